//! The command line: parses arguments (clap) and calls the library API.
//! Exit codes: 0 ok, 1 content errors, 2 usage errors.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};

use crate::diag::Diagnostic;
use crate::pipeline::{self, BuildOptions, BuildReport};

/// Exit code: content errors (bad pages, config, templates, output).
pub const EXIT_CONTENT: i32 = 1;
/// Exit code: the command line itself was wrong.
pub const EXIT_USAGE: i32 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "faqtory",
    version,
    about = "Build FAQ help centers from markdown: precise in Chinese, one binary.",
    after_help = "Example:\n  faqtory build --root ./help\n\n\
                  See docs/dialect.md for how to write pages; README.md for a tour of every command."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Build the site into the output folder (default: public/).
    #[command(
        after_help = "Example:\n  faqtory build --output /tmp/help --base-url https://help.example.com/\n\n\
                      See docs/safety.md for what a build writes, and which output folders it refuses."
    )]
    Build(BuildArgs),
    /// Run every check of a build and write nothing.
    #[command(after_help = "Example:\n  faqtory check --root ./help\n\n\
                      See docs/dialect.md for the rules pages are checked against.")]
    Check(RootArgs),
    /// Create a small working site in DIR.
    #[command(after_help = "Example:\n  faqtory new /tmp/my-help\n\n\
                      See docs/dialect.md for how to write its pages.")]
    New(NewArgs),
    /// Preview the site locally with live reload.
    Serve(crate::serve::ServeArgs),
    /// Search a built site (tantivy index, or the static export with --static).
    Search(crate::search::cli::SearchArgs),
    /// Is a purchase refundable? Evaluates the site's refund rules.
    Refund(RefundCommand),
}

/// `faqtory refund`: the site root plus the request.
#[derive(Args, Debug, Clone)]
pub struct RefundCommand {
    #[command(flatten)]
    pub root: RootArgs,
    #[command(flatten)]
    pub request: crate::refund::cli::RefundArgs,
}

#[derive(Args, Debug, Clone)]
pub struct RootArgs {
    /// The site's root folder (holds site.yaml and content/).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

#[derive(Args, Debug, Clone)]
pub struct BuildArgs {
    #[command(flatten)]
    pub root: RootArgs,
    /// Where to write the site (default: `output` in site.yaml, else public/).
    /// A build replaces the whole folder, so it must be new, empty, or one
    /// an earlier build wrote (it holds `.faqtory-output`).
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Take over an output folder that holds files faqtory did not write:
    /// its contents are replaced. The site root, content/, themes/,
    /// templates/ and the home folder are refused even so.
    #[arg(long)]
    pub force: bool,
    /// Override `base_url` from site.yaml.
    #[arg(long, value_parser = base_url_arg)]
    pub base_url: Option<String>,
    /// Point every console link at another console (staging, another region).
    #[arg(long, value_parser = base_url_arg)]
    pub console_base_url: Option<String>,
}

/// `--base-url` and `--console-base-url` take what `base_url` in site.yaml
/// takes (a usage error otherwise).
fn base_url_arg(s: &str) -> Result<String, String> {
    crate::config::check_url(s).map(|()| s.to_owned())
}

#[derive(Args, Debug, Clone)]
pub struct NewArgs {
    /// The folder to create (must not exist or be empty).
    pub dir: PathBuf,
}

/// Runs the command line; returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    match cli.command {
        Command::Build(a) => {
            let opts = BuildOptions {
                root: a.root.root.clone(),
                output: a.output.clone(),
                base_url: a.base_url.clone(),
                console_base_url: a.console_base_url.clone(),
                strict: false,
                progress: true,
                force: a.force,
            };
            let report = pipeline::build(&opts);
            finish(&report, "Built", &a.root.root)
        }
        Command::Check(a) => {
            let opts = BuildOptions {
                root: a.root.clone(),
                progress: true,
                ..BuildOptions::default()
            };
            let report = pipeline::check(&opts);
            finish(&report, "Checked", &a.root)
        }
        Command::Serve(a) => crate::serve::run(&a),
        Command::Search(a) => crate::search::cli::run(&a, Path::new(".")),
        Command::Refund(a) => crate::refund::cli::run(&a.request, &a.root.root),
        Command::New(a) => match crate::scaffold::create(&a.dir) {
            Ok(()) => {
                println!(
                    "Created a new site in {}. Next: cd {} && faqtory build",
                    a.dir.display(),
                    a.dir.display()
                );
                0
            }
            Err(e) => {
                eprintln!("error: {e}");
                EXIT_USAGE
            }
        },
    }
}

/// Prints every diagnostic and the closing summary; returns the exit code.
fn finish(report: &BuildReport, verb: &str, root: &Path) -> i32 {
    let stderr = std::io::stderr();
    let mut err = stderr.lock();
    if let Some(refusal) = &report.refused {
        let _ = writeln!(err, "error: {refusal}\n  = help: {}", refusal.help);
        let _ = writeln!(err, "nothing was written");
        return EXIT_USAGE;
    }
    for d in &report.diagnostics {
        let _ = writeln!(err, "{d}");
    }
    let _ = writeln!(err, "{}", summary(report, verb, root));
    if report.has_errors() { EXIT_CONTENT } else { 0 }
}

/// `Built 17 pages (42 questions) in 0.31 s: 0 errors, 1 warning → public`
pub fn summary(report: &BuildReport, verb: &str, root: &Path) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut s = format!(
        "{verb} {} ({}) in {:.2} s: {}, {}",
        plural(report.pages, "page", "pages"),
        plural(report.questions, "question", "questions"),
        report.elapsed.as_secs_f64(),
        plural(report.errors(), "error", "errors"),
        plural(report.warnings(), "warning", "warnings"),
    );
    match &report.written_to {
        Some(out) => s.push_str(&format!(
            " → {}",
            crate::diag::display_path(&crate::output::ownership::resolve(root), out).display()
        )),
        None if report.has_errors() && verb == "Built" => {
            s.push_str("; nothing written, the previous output is untouched")
        }
        None => {}
    }
    s
}

/// Diagnostics as one string (used by tests and the preview overlay).
pub fn render_diagnostics(diags: &[Diagnostic]) -> String {
    diags
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}
