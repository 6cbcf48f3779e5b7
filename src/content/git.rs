//! "Last updated" from git: the date of each file's last commit, found with
//! one `git log` over content/ (not one process per page). Outside a git
//! checkout, or without git, there are simply no dates.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

/// Content-relative path (`billing/faq.md`) → `YYYY-MM-DD` of its last commit.
pub fn last_commit_dates(root: &Path, content_dir: &str) -> HashMap<String, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args([
            "log",
            "--format=%x00%cs",
            "--name-only",
            "--no-renames",
            "--relative",
            "--",
            content_dir,
        ])
        .output();
    let Ok(out) = output else {
        return HashMap::new();
    };
    if !out.status.success() {
        return HashMap::new();
    }
    parse_log(&String::from_utf8_lossy(&out.stdout), content_dir)
}

/// Parses `git log --format=%x00%cs --name-only` output, newest first: the
/// first date seen for a file is its last commit.
fn parse_log(log: &str, content_dir: &str) -> HashMap<String, String> {
    let mut dates = HashMap::new();
    let prefix = format!("{content_dir}/");
    for commit in log.split('\0').filter(|c| !c.trim().is_empty()) {
        let mut lines = commit.lines();
        let Some(date) = lines.next().map(str::trim) else {
            continue;
        };
        for file in lines.map(str::trim).filter(|l| !l.is_empty()) {
            let rel = unquote(file);
            let rel = rel.strip_prefix(&prefix).unwrap_or(&rel).to_owned();
            dates.entry(rel).or_insert_with(|| date.to_owned());
        }
    }
    dates
}

/// git quotes paths with non-ASCII bytes as C strings (`"a/\351\200\200.md"`).
fn unquote(path: &str) -> String {
    let Some(inner) = path.strip_prefix('"').and_then(|p| p.strip_suffix('"')) else {
        return path.to_owned();
    };
    let mut bytes = Vec::new();
    let mut chars = inner.bytes().peekable();
    while let Some(b) = chars.next() {
        if b != b'\\' {
            bytes.push(b);
            continue;
        }
        match chars.next() {
            Some(d @ b'0'..=b'7') => {
                let mut v = u32::from(d - b'0');
                for _ in 0..2 {
                    if let Some(&n @ b'0'..=b'7') = chars.peek() {
                        v = v * 8 + u32::from(n - b'0');
                        chars.next();
                    }
                }
                bytes.push(v as u8);
            }
            Some(b'n') => bytes.push(b'\n'),
            Some(b't') => bytes.push(b'\t'),
            Some(other) => bytes.push(other),
            None => {}
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newest_commit_wins_and_quoted_paths_decode() {
        let log = "\x002026-11-20\n\ncontent/a.md\n\"content/\\351\\200\\200.md\"\n\x002026-01-01\n\ncontent/a.md\ncontent/b.md\n";
        let d = parse_log(log, "content");
        assert_eq!(d["a.md"], "2026-11-20");
        assert_eq!(d["b.md"], "2026-01-01");
        assert_eq!(d["退.md"], "2026-11-20");
    }
}
