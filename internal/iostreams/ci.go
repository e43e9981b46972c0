package iostreams

// CI is what the environment says about the CI run mfactl is part of: the
// views use it to link to source lines and to the run, and to annotate.
type CI struct {
	// GitHubActions is set when GITHUB_ACTIONS=true: text output then adds
	// workflow commands that annotate the lines of the pull request.
	GitHubActions bool
	// StepSummary is the file of $GITHUB_STEP_SUMMARY, where -o github
	// appends the Markdown of the run.
	StepSummary string
	// SourceURL is the address of the checked-out files, to which a
	// path and "#L<line>" are added ("https://github.com/o/r/blob/<sha>");
	// empty when unknown, and positions are then shown, not linked.
	SourceURL string
	// RunURL is the address of the CI run (where its full log is).
	RunURL string
	// Workspace is the directory the CI checked the repository out to;
	// annotation and SARIF paths are relative to it.
	Workspace string
}

// CIFromEnv reads what GitHub Actions and GitLab CI say about the run.
func CIFromEnv(getenv func(string) string) CI {
	var ci CI
	if getenv("GITHUB_ACTIONS") == "true" {
		ci.GitHubActions = true
		ci.StepSummary = getenv("GITHUB_STEP_SUMMARY")
		ci.Workspace = getenv("GITHUB_WORKSPACE")
		server, repo := getenv("GITHUB_SERVER_URL"), getenv("GITHUB_REPOSITORY")
		if server != "" && repo != "" {
			// On a pull request GITHUB_SHA is the merge commit, whose
			// lines are those of the head; MFACTL_SOURCE_SHA may name the head.
			sha := firstOf(getenv("MFACTL_SOURCE_SHA"), getenv("GITHUB_SHA"))
			if sha != "" {
				ci.SourceURL = server + "/" + repo + "/blob/" + sha
			}
			if run := getenv("GITHUB_RUN_ID"); run != "" {
				ci.RunURL = server + "/" + repo + "/actions/runs/" + run
			}
		}
		return ci
	}
	if getenv("GITLAB_CI") == "true" {
		ci.Workspace = getenv("CI_PROJECT_DIR")
		if project, sha := getenv("CI_PROJECT_URL"), firstOf(getenv("MFACTL_SOURCE_SHA"), getenv("CI_COMMIT_SHA")); project != "" && sha != "" {
			ci.SourceURL = project + "/-/blob/" + sha
		}
		ci.RunURL = getenv("CI_JOB_URL")
	}
	return ci
}

func firstOf(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
