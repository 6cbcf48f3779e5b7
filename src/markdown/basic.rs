//! Placeholder renderer: plain pulldown-cmark split at `###`. Replaced by the
//! dialect implementation.

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

use super::{Options, Outline, OutlineQuestion, Question, Rendered, Section, Source};
use crate::diag::line_col;

pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.trim().chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if (c == ' ' || c == '-') && !out.ends_with('-') {
            out.push('-');
        }
    }
    let t = out.trim_matches('-').to_string();
    if t.is_empty() { "q".into() } else { t }
}

pub fn outline(src: Source<'_>) -> Outline {
    let r = render_inner(src, None);
    let questions: Vec<OutlineQuestion> = r
        .questions()
        .map(|q| OutlineQuestion {
            id: q.id.clone(),
            title_text: q.title_text.clone(),
            line: q.line,
        })
        .collect();
    Outline {
        anchors: questions.iter().map(|q| q.id.clone()).collect(),
        questions,
    }
}

pub fn render(src: Source<'_>, opts: &Options<'_>) -> Rendered {
    render_inner(src, Some(opts))
}

fn render_inner(src: Source<'_>, _opts: Option<&Options<'_>>) -> Rendered {
    let body = src.body();
    let mut out = Rendered::default();
    let mut cur: Vec<Event> = Vec::new();
    let mut cur_q: Option<Question> = None;
    let mut in_h3: Option<(usize, Vec<Event>)> = None;
    let mut seen = std::collections::HashSet::new();
    let flush = |cur: &mut Vec<Event>, q: Option<Question>, out: &mut Rendered| {
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, cur.drain(..));
        if q.is_some() || !html.trim().is_empty() {
            out.sections.push(Section { question: q, html });
        }
    };
    for (ev, range) in Parser::new_ext(body, pulldown_cmark::Options::all()).into_offset_iter() {
        match ev {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H3,
                ..
            }) => {
                in_h3 = Some((range.start, Vec::new()));
            }
            Event::End(TagEnd::Heading(HeadingLevel::H3)) => {
                if let Some((start, evs)) = in_h3.take() {
                    flush(&mut cur, cur_q.take(), &mut out);
                    let mut title_html = String::new();
                    let title_text: String = evs
                        .iter()
                        .filter_map(|e| match e {
                            Event::Text(t) | Event::Code(t) => Some(t.to_string()),
                            _ => None,
                        })
                        .collect();
                    pulldown_cmark::html::push_html(&mut title_html, evs.into_iter());
                    let mut id = slug(&title_text);
                    let base = id.clone();
                    let mut n = 2;
                    while !seen.insert(id.clone()) {
                        id = format!("{base}-{n}");
                        n += 1;
                    }
                    let (line, _) = line_col(src.text, src.body_start + start);
                    cur_q = Some(Question {
                        id,
                        title_html,
                        title_text,
                        answer_text: String::new(),
                        line,
                    });
                }
            }
            e => {
                if let Some((_, evs)) = in_h3.as_mut() {
                    evs.push(e);
                } else {
                    if let (Some(q), Event::Text(t)) = (cur_q.as_mut(), &e) {
                        q.answer_text.push_str(t);
                    }
                    cur.push(e);
                }
            }
        }
    }
    flush(&mut cur, cur_q.take(), &mut out);
    out
}
