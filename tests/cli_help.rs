//! `faqtory --help` and every command's `--help` end with an example command
//! line that the parser accepts and name a doc that exists in the repository.

use std::path::Path;
use std::process::Command;

use clap::{CommandFactory, Parser};
use faqtory::cli::Cli;

/// The example command line and the `docs/…` files a help text names.
fn example_and_docs(help: &str) -> (Option<String>, Vec<String>) {
    let mut lines = help.lines();
    let mut example = None;
    while let Some(line) = lines.next() {
        if line.starts_with("Example") {
            example = lines
                .find(|l| !l.trim().is_empty())
                .map(|l| l.trim().to_string());
            break;
        }
    }
    let docs = help
        .split_whitespace()
        .filter_map(|w| {
            let at = w.find("docs/")?;
            let end = w[at..].find(".md")? + at + ".md".len();
            Some(w[at..end].to_string())
        })
        .collect();
    (example, docs)
}

#[test]
fn every_help_has_an_example_and_a_doc() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let subcommands: Vec<String> = Cli::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .filter(|n| n != "help")
        .collect();
    assert!(subcommands.len() >= 6, "{subcommands:?}");
    let mut cases = vec![None];
    cases.extend(subcommands.iter().map(Some));
    for sub in cases {
        let mut args: Vec<&str> = sub.map(String::as_str).into_iter().collect();
        args.push("--help");
        let out = Command::new(env!("CARGO_BIN_EXE_faqtory"))
            .args(&args)
            .output()
            .expect("run faqtory");
        assert!(out.status.success(), "{args:?}");
        let help = String::from_utf8_lossy(&out.stdout);
        let (example, docs) = example_and_docs(&help);

        let example = example.unwrap_or_else(|| panic!("{args:?}: no `Example` line in\n{help}"));
        let words: Vec<&str> = example.split_whitespace().collect();
        assert_eq!(words.first(), Some(&"faqtory"), "{args:?}: {example}");
        if let Some(sub) = sub {
            assert_eq!(
                words.get(1).copied(),
                Some(sub.as_str()),
                "{args:?}: the example should show this command: {example}"
            );
        }
        if let Err(e) = Cli::try_parse_from(&words) {
            panic!("{args:?}: the example `{example}` does not parse:\n{e}");
        }

        assert!(!docs.is_empty(), "{args:?}: names no docs/*.md in\n{help}");
        for doc in docs {
            assert!(
                repo.join(&doc).is_file(),
                "{args:?}: names {doc}, which is not in the repository"
            );
        }
    }
}

#[test]
fn the_help_reader_finds_what_is_there_and_only_that() {
    let (ex, docs) = example_and_docs(
        "Usage: faqtory x\n\nExample:\n  faqtory x --y 1\n\nSee docs/x.md, and docs/y.md.\n",
    );
    assert_eq!(ex.as_deref(), Some("faqtory x --y 1"));
    assert_eq!(docs, ["docs/x.md", "docs/y.md"]);
    let (ex, docs) = example_and_docs("Usage: faqtory x\n\nOptions:\n  -h, --help\n");
    assert_eq!((ex, docs.len()), (None, 0));
}
