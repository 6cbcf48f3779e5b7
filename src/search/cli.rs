//! `faqtory search QUERY [--static] [--json] [--limit N] [--output DIR]`.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::{Hit, open_index, query_index, query_static};

/// Arguments of `faqtory search`.
#[derive(Debug, Clone, clap::Args)]
#[command(after_help = "Example:\n  faqtory search 退款规则 --static\n\n\
                  See docs/search.md for how the index is built and how results are scored.")]
pub struct SearchArgs {
    /// The query (several words are joined with spaces). Any text is fine:
    /// there is no query syntax.
    #[arg(required = true, num_args = 1..)]
    pub query: Vec<String>,
    /// Answer from the exported static index (the files the browser fetches),
    /// through the same search-core code the browser runs.
    #[arg(long = "static")]
    pub static_index: bool,
    /// Print `[{"title", "url", "score"}, …]`.
    #[arg(long)]
    pub json: bool,
    /// Number of results (1 to 1000: the result list is allocated up
    /// front, so an unbounded number would abort or overflow).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=1000))]
    pub limit: u64,
    /// The built site's output folder (default: `output` from site.yaml).
    /// Both the static export and the build's tantivy index (kept beside
    /// the output) are read from there.
    #[arg(long)]
    pub output: Option<PathBuf>,
}

#[derive(serde::Serialize)]
struct JsonHit<'a> {
    title: &'a str,
    url: &'a str,
    score: f32,
}

/// Runs the search in the site at `site_root`; returns the exit code
/// (0 with results or none, 1 when the index is missing or unreadable).
pub fn run(args: &SearchArgs, site_root: &Path) -> i32 {
    let q = args.query.join(" ");
    let out = args
        .output
        .clone()
        .unwrap_or_else(|| default_output(site_root));
    let limit = usize::try_from(args.limit).unwrap_or(1000);
    let result = if args.static_index {
        query_static(&out.join("search"), &q, limit)
    } else {
        // The build keeps the index beside the output it wrote.
        let index = crate::output::index_dir(&crate::output::ownership::resolve(&out));
        open_index(&index).and_then(|idx| query_index(&idx, &q, limit))
    };
    match result {
        Ok(hits) => {
            let text = if args.json { json(&hits) } else { plain(&hits) };
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error worth a panic.
            let _ = stdout.write_all(text.as_bytes());
            0
        }
        Err(e) => {
            eprintln!("error: {e}");
            1
        }
    }
}

fn default_output(site_root: &Path) -> PathBuf {
    match crate::config::Config::load(site_root) {
        Ok(c) => site_root.join(c.output),
        Err(_) => site_root.join("public"),
    }
}

fn json(hits: &[Hit]) -> String {
    let v: Vec<JsonHit<'_>> = hits
        .iter()
        .map(|h| JsonHit {
            title: &h.title,
            url: &h.url,
            score: h.score,
        })
        .collect();
    let mut s = serde_json::to_string(&v).unwrap_or_else(|_| "[]".into());
    s.push('\n');
    s
}

fn plain(hits: &[Hit]) -> String {
    if hits.is_empty() {
        return "no results\n".into();
    }
    let mut s = String::new();
    for (i, h) in hits.iter().enumerate() {
        s.push_str(&format!(
            "{:>2}. {}  ({:.2})\n    {}\n",
            i + 1,
            h.title,
            h.score,
            h.url
        ));
    }
    s
}
