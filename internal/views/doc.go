// Package views is everything mfactl shows: plans, apply summaries,
// diagnostics and verification for people (text, coloured on a terminal)
// and for programs (versioned JSON), and the CI formats. Commands pick a
// view; use cases return values and never print; internal/iostreams says
// where output goes and whether it is a terminal. A new output format is a
// new view here.
package views
