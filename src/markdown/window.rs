//! The parser's events, read one at a time with a little look-ahead. The
//! walk peeks a few events past a blockquote's start (callout markers) or
//! a paragraph's end (anchor paragraphs before a heading); it never needs
//! the whole page, so events stream from the parser to the sections.

use std::collections::VecDeque;
use std::ops::Range;

use pulldown_cmark::{Event, OffsetIter, Parser};

use super::inline::Item;

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
            // The walk looks at most three events ahead.
            ahead: VecDeque::with_capacity(4),
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

    /// Moves the events from here on onto `items` while `pred` holds for
    /// them. Events go from the parser straight to `items`; only the first
    /// refused one is kept back (the walk collects every inline run this
    /// way, so it is hot).
    pub fn take_while_into(
        &mut self,
        pred: impl Fn(&Event<'a>) -> bool,
        items: &mut Vec<Item<'a>>,
    ) {
        while let Some((ev, _)) = self.ahead.front() {
            if !pred(ev) {
                return;
            }
            if let Some((ev, r)) = self.ahead.pop_front() {
                items.push(Item::Ev(ev, r));
            }
        }
        // Pushed first and checked in place: the event is moved once (each
        // move of a 96-byte event out of the parser's return slot stalls).
        for (ev, r) in self.parser.by_ref() {
            items.push(Item::Ev(ev, r));
            if let Some(Item::Ev(ev, _)) = items.last()
                && !pred(ev)
            {
                if let Some(Item::Ev(ev, r)) = items.pop() {
                    self.ahead.push_back((ev, r));
                }
                return;
            }
        }
    }

    /// Drops the `n`th event from here (a marker the walk has used up).
    pub fn remove(&mut self, n: usize) {
        if self.peek(n).is_some() {
            self.ahead.remove(n);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::Tag;

    fn kinds(w: &mut Window<'_>) -> Vec<String> {
        std::iter::from_fn(|| w.next())
            .map(|(ev, r)| format!("{ev:?}@{}", r.start))
            .collect()
    }

    #[test]
    fn peeking_and_removing_keep_the_order_of_the_rest() {
        let md = "a\n\nb\n";
        let all = kinds(&mut Window::new(md, pulldown_cmark::Options::empty()));
        assert_eq!(all.len(), 6); // two paragraphs: start, text, end each

        let mut w = Window::new(md, pulldown_cmark::Options::empty());
        assert!(matches!(w.peek(1), Some((Event::Text(t), _)) if t.as_ref() == "a"));
        assert!(w.peek(6).is_none());
        w.remove(1); // the text "a"
        if let Some(slot) = w.peek_mut(2) {
            slot.1 = 99..99;
        }
        let rest = kinds(&mut w);
        assert_eq!(rest.len(), 5);
        assert_eq!(rest[0], all[0]);
        assert_eq!(rest[1], all[2]);
        assert!(rest[2].ends_with("@99"), "{rest:?}");
        assert_eq!(rest[3..], all[4..]);
    }

    #[test]
    fn take_while_into_keeps_the_refused_event_for_the_next_read() {
        let md = "a *b*\n\nc\n";
        let all = kinds(&mut Window::new(md, pulldown_cmark::Options::empty()));
        let mut w = Window::new(md, pulldown_cmark::Options::empty());
        let inline = |e: &Event<'_>| !matches!(e, Event::Start(Tag::Paragraph) | Event::End(_));
        let mut items = Vec::new();
        w.take_while_into(inline, &mut items); // refuses the paragraph's start
        assert!(items.is_empty());
        assert!(w.next().is_some_and(|(e, _)| matches!(e, Event::Start(_))));
        w.take_while_into(inline, &mut items); // "a ", Start(Emphasis), "b"
        assert_eq!(items.len(), 3);
        assert!(
            matches!(&items[2], Item::Ev(Event::Text(t), r) if t.as_ref() == "b" && *r == (3..4))
        );
        assert!(matches!(w.peek(0), Some((Event::End(_), _))));
        w.take_while_into(inline, &mut items); // the look-ahead refuses too
        assert_eq!(items.len(), 3);
        assert_eq!(kinds(&mut w), all[4..]); // from End(Emphasis) on
    }
}
