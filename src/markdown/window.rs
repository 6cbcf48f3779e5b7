//! The parser's events, read one at a time with a little look-ahead. The
//! walk peeks a few events past a blockquote's start (callout markers) or
//! a paragraph's end (anchor paragraphs before a heading); it never needs
//! the whole page, so events stream from the parser to the sections.

use std::collections::VecDeque;
use std::ops::Range;

use pulldown_cmark::{Event, OffsetIter, Parser};

/// An event with its byte range in the markdown body.
pub type Ev<'a> = (Event<'a>, Range<usize>);

pub struct Window<'a> {
    parser: OffsetIter<'a>,
    ahead: VecDeque<Ev<'a>>,
}

impl<'a> Window<'a> {
    pub fn new(body: &'a str, options: pulldown_cmark::Options) -> Self {
        Window {
            parser: Parser::new_ext(body, options).into_offset_iter(),
            ahead: VecDeque::new(),
        }
    }

    /// The `n`th event from here (0 is the next one), reading ahead.
    pub fn peek(&mut self, n: usize) -> Option<&Ev<'a>> {
        while self.ahead.len() <= n {
            let ev = self.parser.next()?;
            self.ahead.push_back(ev);
        }
        self.ahead.get(n)
    }

    /// The same, to change it in place.
    pub fn peek_mut(&mut self, n: usize) -> Option<&mut Ev<'a>> {
        self.peek(n)?;
        self.ahead.get_mut(n)
    }

    /// Takes the next event.
    pub fn next(&mut self) -> Option<Ev<'a>> {
        match self.ahead.pop_front() {
            Some(ev) => Some(ev),
            None => self.parser.next(),
        }
    }

    /// Drops the `n`th event from here (a marker the walk has used up).
    pub fn remove(&mut self, n: usize) {
        if self.peek(n).is_some() {
            self.ahead.remove(n);
        }
    }
}
