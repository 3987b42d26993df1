//! Line and column arithmetic over a module's text. Rows and columns are 1-based and columns count
//! characters, as ruff reports them. `\n`, `\r\n` and a lone `\r` all end a line, as in Python.

use crate::syntax::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Location {
    pub row: u32,
    pub column: u32,
}

#[derive(Clone, Debug, Default)]
pub struct LineIndex {
    /// Byte offset of the first character of each line.
    starts: Vec<u32>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0u32];
        let mut i = 0usize;
        while let Some(pos) = memchr::memchr2(b'\n', b'\r', &bytes[i..]) {
            let at = i + pos;
            let next = if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
                at + 2
            } else {
                at + 1
            };
            starts.push(next as u32);
            i = next;
            if i >= bytes.len() {
                break;
            }
        }
        LineIndex { starts }
    }

    /// 0-based line number containing `offset`.
    pub fn line_of(&self, offset: u32) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    pub fn line_start(&self, line: usize) -> u32 {
        self.starts.get(line).copied().unwrap_or(0)
    }

    pub fn location(&self, text: &str, offset: u32) -> Location {
        let offset = clamp_to_char_boundary(text, offset);
        let line = self.line_of(offset);
        let start = self.line_start(line) as usize;
        let column = text
            .get(start..offset as usize)
            .map_or(0, |s| s.chars().count());
        Location {
            row: line as u32 + 1,
            column: column as u32 + 1,
        }
    }

    /// The text of the line containing `offset`, without its line ending.
    pub fn line_text<'t>(&self, text: &'t str, offset: u32) -> &'t str {
        let line = self.line_of(offset);
        let start = self.line_start(line) as usize;
        let end = self
            .starts
            .get(line + 1)
            .map_or(text.len(), |&e| e as usize);
        text.get(start..end)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r'])
    }
}

/// Moves `offset` back to the nearest char boundary inside `text`.
pub fn clamp_to_char_boundary(text: &str, offset: u32) -> u32 {
    let mut o = (offset as usize).min(text.len());
    while o > 0 && !text.is_char_boundary(o) {
        o -= 1;
    }
    o as u32
}

pub fn slice(text: &str, span: Span) -> &str {
    text.get(span.start as usize..span.end as usize)
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_and_char_columns() {
        let text = "a\r\nbü = 'x'\rc\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.location(text, 0), Location { row: 1, column: 1 });
        let x = text.find("'x'").unwrap() as u32;
        assert_eq!(idx.location(text, x), Location { row: 2, column: 6 });
        let c = text.find('c').unwrap() as u32;
        assert_eq!(idx.location(text, c), Location { row: 3, column: 1 });
        assert_eq!(idx.line_text(text, x), "bü = 'x'");
    }

    #[test]
    fn offsets_inside_a_char_are_clamped() {
        let text = "ü";
        let idx = LineIndex::new(text);
        assert_eq!(idx.location(text, 1), Location { row: 1, column: 1 });
        assert_eq!(idx.location(text, 99), Location { row: 1, column: 2 });
    }
}
