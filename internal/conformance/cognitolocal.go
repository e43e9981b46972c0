package conformance

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"
)

// cognitoLocalConfig keeps new pools on plain usernames: by default
// cognito-local makes email the username and AdminCreateUser("alice") fails.
const cognitoLocalConfig = `{"UserPoolDefaults":{"UsernameAttributes":[]}}`

const cognitoLocalStartTimeout = 20 * time.Second

// startCognitoLocal runs cognito-local with node in a fresh temporary
// directory (it keeps its data in ./.cognito) on a free loopback port.
func startCognitoLocal(ctx context.Context) (*Backend, error) {
	pkg, err := cognitoLocalDir()
	if err != nil {
		return nil, err
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("node is required to run cognito-local: %w", err)
	}
	work, err := os.MkdirTemp("", "mfactl-cognito-local-")
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*Backend, error) {
		os.RemoveAll(work)
		return nil, err
	}
	if err := os.Mkdir(filepath.Join(work, ".cognito"), 0o755); err != nil {
		return fail(err)
	}
	if err := os.WriteFile(filepath.Join(work, ".cognito", "config.json"), []byte(cognitoLocalConfig), 0o644); err != nil {
		return fail(err)
	}
	port, err := freeLoopbackPort()
	if err != nil {
		return fail(err)
	}
	var log bytes.Buffer
	cmd := exec.Command(node, filepath.Join(pkg, "lib", "bin", "start.js"))
	cmd.Dir = work
	cmd.Env = append(os.Environ(), "HOST=127.0.0.1", "PORT="+strconv.Itoa(port))
	cmd.Stdout = &log
	cmd.Stderr = &log
	ownProcessGroup(cmd)
	if err := cmd.Start(); err != nil {
		return fail(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stop := func() error {
		defer os.RemoveAll(work)
		return stopProcessGroup(cmd, exited)
	}

	endpoint := "http://127.0.0.1:" + strconv.Itoa(port)
	if err := waitHealthy(ctx, endpoint+"/health", exited); err != nil {
		stop()
		return nil, fmt.Errorf("%w\ncognito-local output:\n%s", err, log.String())
	}
	return &Backend{Target: CognitoLocal, Endpoint: endpoint, stop: stop}, nil
}

// waitHealthy polls url until it answers 200, the process exits, or time runs out.
func waitHealthy(ctx context.Context, url string, exited <-chan error) error {
	ctx, cancel := context.WithTimeout(ctx, cognitoLocalStartTimeout)
	defer cancel()
	client := &http.Client{Timeout: time.Second}
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case err := <-exited:
			return fmt.Errorf("exited before answering %s: %v", url, err)
		case <-ctx.Done():
			return fmt.Errorf("no answer from %s: %w", url, ctx.Err())
		case <-tick.C:
		}
	}
}

func freeLoopbackPort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// stopProcessGroup ends the process and its children: politely first, then not.
func stopProcessGroup(cmd *exec.Cmd, exited <-chan error) error {
	signalGroup(cmd, terminate) // an error here means it is already gone
	select {
	case <-exited:
		return nil
	case <-time.After(5 * time.Second):
	}
	signalGroup(cmd, kill)
	select {
	case <-exited:
		return nil
	case <-time.After(5 * time.Second):
		return fmt.Errorf("process %d survived SIGKILL", cmd.Process.Pid)
	}
}
