//! What the passes share while one page renders: options, the page's ids,
//! and its diagnostics (capped, so a pathological page stays linear).

use super::anchors::Ids;
use super::{Console, Lang, LineBreaks, LinkResolver, Options, Source, WidgetHost};
use super::{emphasis, links};
use crate::diag::{Diagnostic, Severity};

/// At most this many diagnostics per page; one more says how many were left out.
pub const MAX_DIAGNOSTICS: usize = 100;

pub struct Ctx<'a, 'o> {
    pub src: Source<'a>,
    pub body: &'a str,
    pub lang: Lang,
    pub line_breaks: LineBreaks,
    pub cjk_emphasis: bool,
    pub raw_html: bool,
    pub console: Option<&'o Console>,
    pub links: Option<&'o dyn LinkResolver>,
    pub widget_host: Option<&'o dyn WidgetHost>,
    /// Outline mode: ids, anchors and texts only; no HTML, no diagnostics.
    pub quiet: bool,
    pub diagnostics: Vec<Diagnostic>,
    dropped: usize,
    dropped_errors: bool,
    pub ids: Ids,
    /// Every anchor id on the page, in order.
    pub anchors: Vec<String>,
    /// Same-page links `#x` (id, body offset), checked at the end.
    pub fragment_links: Vec<(String, usize)>,
    pub widgets: Vec<String>,
    /// Buffers the emphasis pass reuses across the page's inline runs.
    pub emphasis: emphasis::Scratch<'a>,
    /// The links pass's stack of open links, kept for the next run.
    pub link_ends: Vec<links::Close>,
}

impl<'a, 'o> Ctx<'a, 'o> {
    /// `quiet`: no HTML and no diagnostics, links left as written (see
    /// [`super::outline_and_text`]); always so without `opts`.
    pub fn new(src: Source<'a>, opts: Option<&'o Options<'o>>, quiet: bool) -> Self {
        let body = src.body();
        Ctx {
            src,
            body,
            lang: opts.map_or(Lang::default(), |o| o.lang),
            line_breaks: opts.map_or(LineBreaks::default(), |o| o.line_breaks),
            cjk_emphasis: opts.is_none_or(|o| o.cjk_emphasis),
            raw_html: opts.is_none_or(|o| o.raw_html),
            console: opts.and_then(|o| o.console),
            links: opts.filter(|_| !quiet).map(|o| o.links),
            widget_host: opts.map(|o| o.widgets),
            quiet: quiet || opts.is_none(),
            diagnostics: Vec::new(),
            dropped: 0,
            dropped_errors: false,
            ids: Ids::default(),
            anchors: Vec::new(),
            fragment_links: Vec::new(),
            widgets: Vec::new(),
            emphasis: emphasis::Scratch::default(),
            link_ends: Vec::new(),
        }
    }

    /// Reports a problem at byte `offset` of the markdown body.
    pub fn diag(&mut self, severity: Severity, offset: usize, msg: impl Into<String>) {
        if self.quiet {
            return;
        }
        if self.diagnostics.len() >= MAX_DIAGNOSTICS {
            self.dropped += 1;
            self.dropped_errors |= severity == Severity::Error;
            return;
        }
        self.diagnostics.push(Diagnostic::at_offset(
            severity,
            self.src.file,
            self.src.text,
            self.src.body_start + offset,
            msg,
        ));
    }

    /// Claims an anchor id for this page, warning on a clash.
    pub fn claim_id(&mut self, id: &str, offset: usize) -> String {
        let (got, clash) = self.ids.claim(id);
        if clash {
            self.diag(
                Severity::Warning,
                offset,
                format!("duplicate anchor id `{id}` on this page; this one becomes `{got}`"),
            );
        }
        self.anchors.push(got.clone());
        got
    }

    pub fn finish(&mut self) -> Vec<Diagnostic> {
        let mut out = std::mem::take(&mut self.diagnostics);
        if self.dropped > 0 {
            // Never lose an error to the cap: the summary carries the worst severity.
            out.push(Diagnostic::file_level(
                if self.dropped_errors {
                    Severity::Error
                } else {
                    Severity::Warning
                },
                self.src.file,
                format!("{} more problems on this page not shown", self.dropped),
            ));
        }
        out
    }
}
