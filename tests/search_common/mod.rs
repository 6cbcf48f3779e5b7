//! Helpers shared by the search tests: a test-only markdown → SearchDoc
//! splitter for the fixtures, and writing an export to a temporary folder.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use faqtory::search::SearchDoc;

/// Plain text of a markdown answer, enough for indexing tests: link targets,
/// emphasis and callout markers removed.
pub fn plain(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    let mut rest = md;
    while let Some(i) = rest.find("](") {
        out.push_str(&rest[..i]);
        rest = &rest[i + 2..];
        match rest.find(')') {
            Some(j) => rest = &rest[j + 1..],
            None => rest = "",
        }
    }
    out.push_str(rest);
    out.replace("**", "")
        .replace(">!", "")
        .replace(">?", "")
        .replace(['[', '`'], "")
        .replace("\n#", "\n")
}

/// Splits a fixture: `# page title | category | url | lang` lines start pages,
/// `### question` lines start questions, the rest is the answer.
pub fn split_fixture(text: &str) -> Vec<SearchDoc> {
    let mut docs: Vec<SearchDoc> = Vec::new();
    let (mut page, mut cat, mut url, mut lang) =
        (String::new(), String::new(), String::new(), String::new());
    let mut n = 0;
    for line in text.lines() {
        if let Some(h) = line.strip_prefix("### ") {
            n += 1;
            docs.push(SearchDoc {
                title: h.trim().to_string(),
                body: String::new(),
                page_title: page.clone(),
                category: cat.clone(),
                url: format!("{url}#q{n}"),
                lang: lang.clone(),
            });
        } else if let Some(h) = line.strip_prefix("# ") {
            let parts: Vec<&str> = h.split('|').map(str::trim).collect();
            page = parts.first().copied().unwrap_or_default().to_string();
            cat = parts.get(1).copied().unwrap_or_default().to_string();
            url = parts.get(2).copied().unwrap_or_default().to_string();
            lang = parts.get(3).copied().unwrap_or_default().to_string();
            n = 0;
        } else if let Some(d) = docs.last_mut() {
            d.body.push_str(line);
            d.body.push('\n');
        }
    }
    for d in &mut docs {
        d.body = plain(&d.body);
    }
    docs
}

/// Splits a `gen_corpus.py` tree (`OUT/faqtory/content/**.md`): front matter
/// title/category, `### question` headings.
pub fn split_corpus(root: &Path) -> Vec<SearchDoc> {
    let mut files: Vec<PathBuf> = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "md") {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut docs = Vec::new();
    for f in files {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        let rel = f.strip_prefix(root).unwrap_or(&f).with_extension("");
        let url = format!("/{}/", rel.display());
        let (mut title, mut cat) = (String::new(), String::new());
        let mut body_start = 0;
        if let Some(rest) = text.strip_prefix("---\n")
            && let Some(end) = rest.find("\n---\n")
        {
            for l in rest[..end].lines() {
                if let Some(v) = l.strip_prefix("title:") {
                    title = v.trim().trim_matches('"').to_string();
                } else if let Some(v) = l.strip_prefix("category:") {
                    cat = v.trim().trim_matches('"').to_string();
                }
            }
            body_start = 4 + end + 5;
        }
        let fixture = format!("# {title} | {cat} | {url} | zh-CN\n{}", &text[body_start..]);
        docs.extend(split_fixture(&fixture));
    }
    docs
}

/// A fresh temporary folder for one test.
pub fn temp_dir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display()));
    d
}

/// Writes exported files under `root` (as the output module would).
pub fn write_files(root: &Path, files: &[(String, Vec<u8>)]) {
    for (name, bytes) in files {
        let p = root.join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{}: {e}", parent.display()));
        }
        std::fs::write(&p, bytes).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    }
}
