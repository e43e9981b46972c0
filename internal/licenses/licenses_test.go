package licenses

import (
	"flag"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "rewrite docs/licenses.md")

func TestClassify(t *testing.T) {
	cases := map[string]string{
		"Apache License\n   Version 2.0, January 2004":                                                                                   "Apache-2.0",
		"Permission is hereby granted, free of charge, to any person obtaining a copy of this software":                                  "MIT",
		"Redistribution and use in source and binary forms, with or without\nmodification, are permitted ... Neither the name of Google": "BSD-3-Clause",
		"Redistribution and use in source and binary forms, with or without modification, are permitted provided that":                   "BSD-2-Clause",
		"Mozilla Public License Version 2.0\n==================================":                                                         "MPL-2.0",
		"Permission to use, copy, modify, and/or distribute this software for any purpose with or without fee is hereby granted":         "ISC",
		"GNU GENERAL PUBLIC LICENSE Version 3":                                                                                           "",
		"All rights reserved.":                                                                                                           "",
	}
	for text, want := range cases {
		if got := Classify(text); got != want {
			t.Errorf("Classify(%.40q) = %q, want %q", text, got, want)
		}
	}
	if Permissive("") || Permissive("GPL-3.0") || !Permissive("MIT") {
		t.Fatal("Permissive must accept only the listed licenses")
	}
}

// Every module built into mfactl has a known permissive license, and
// docs/licenses.md says so; `make licenses` rewrites it after a dependency
// changes.
func TestDependencyLicenses(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	mods, err := Built("../..")
	if err != nil {
		t.Fatal(err)
	}
	if len(mods) < 10 {
		t.Fatalf("only %d modules found: %v", len(mods), mods)
	}
	for _, m := range mods {
		if !Permissive(m.License) {
			t.Errorf("%s %s: license %q (file %q) is not a known permissive license; check it and extend the list only if it allows shipping under Apache-2.0", m.Path, m.Version, m.License, m.File)
		}
	}
	want := Markdown(mods)
	const page = "../../docs/licenses.md"
	if *update {
		if err := os.WriteFile(page, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(page)
	if err != nil || string(got) != want {
		t.Fatalf("docs/licenses.md is out of date: run `make licenses`")
	}
}
