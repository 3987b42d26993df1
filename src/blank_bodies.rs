//! The text an outline parse reads: the source with the body of every function blanked.
//!
//! A project's modules are read for what their classes and module level bind, never for what a
//! function does (see `syntax::parse_outline`), yet the parser costs as much for a method as for
//! a field, and methods are most of a model module's text (42 % of aleksis-core's `models.py`,
//! 62 % of pretix's `orders.py`). A byte scan, much cheaper than a parse, finds each `def`'s
//! indented block and replaces it with `0` (a statement the parser accepts) and a comment that
//! runs to the body's end, its line breaks made spaces; the parameters and the return
//! annotation of such a `def` become spaces too. Every byte outside what is blanked stays at
//! its offset, so every span the outline holds is the span in the real text (rows are counted
//! in the real text).
//!
//! The scan knows what can hide a line's structure: strings (prefixed, triple-quoted, and
//! f-strings whose replacement fields hold strings of the same quote, Python 3.12), comments,
//! brackets and backslash continuations. Where it is unsure (a tab or a form feed in an
//! indentation, a string or bracket still open at the end of the file) it blanks nothing, and a
//! body holding a line inside brackets indented no deeper than its `def` (valid but rare, or
//! two syntax errors that cancel out) is left as it is. The caller parses the real text
//! whenever the blanked one has a syntax error, so the errors reported are the real ones.

/// The source with every block-bodied function's body blanked, or `None` when there is none to
/// blank or the scan cannot be sure of the file's structure.
#[cfg(test)]
pub fn blank_function_bodies(source: &str) -> Option<String> {
    blank_with_depth(source)?.0
}

/// [`blank_function_bodies`]' text (`None`: no body to blank), and the deepest bracket nesting
/// of the source (brackets inside f-string replacement fields included), which bounds the
/// blanked text's; `None` when the scan cannot be sure of the file's structure. The parse of the
/// blanked text needs no other look at its nesting (`syntax::excessive_nesting`).
pub fn blank_with_depth(source: &str) -> Option<(Option<String>, u32)> {
    let (bodies, deepest) = function_bodies(source.as_bytes())?;
    if bodies.is_empty() {
        return Some((None, deepest));
    }
    let mut out = source.as_bytes().to_vec();
    for Body { start, end, header } in bodies {
        // The parameters and the return annotation become spaces: `def f(   )   :`. Every byte
        // between the brackets, and between `)` and `:`, is replaced (line breaks inside the
        // brackets or after a backslash too, whole characters), so the text stays UTF-8.
        if let Some(Header {
            open, close, colon, ..
        }) = header
        {
            out[open + 1..close].fill(b' ');
            out[close + 1..colon].fill(b' ');
        }
        // `0` then a comment to the end of the body, its line breaks made spaces: the lexer
        // reads the body as three tokens, the comment in one search for a line break, where
        // every blank line would be a token of its own.
        out[start] = b'0';
        if let Some(hash) = out.get_mut(start + 1).filter(|_| start + 1 < end) {
            *hash = b'#';
        }
        let body = out.get_mut(start + 2..end).unwrap_or_default();
        // The rest of a character the `0#` overwrote the start of (an identifier may start
        // with `é`).
        for b in body.iter_mut().take_while(|b| **b & 0xC0 == 0x80) {
            *b = b' ';
        }
        for b in body {
            if *b == b'\n' || *b == b'\r' {
                *b = b' ';
            }
        }
    }
    // Only ASCII bytes were written, each over an ASCII byte or over a whole character; the
    // comment keeps every other byte.
    Some((Some(String::from_utf8(out).ok()?), deepest))
}

/// What the scan is inside of.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Frame {
    /// A string: its quote, whether tripled, whether an f-string (or t-string).
    Str { quote: u8, triple: bool, f: bool },
    /// A replacement field of an f-string: the bracket depth inside it.
    Field { depth: u32 },
    /// The format spec of a replacement field (after its `:`), up to its `}`.
    Spec,
}

/// A logical line's start, as the body search needs it (small: a module has thousands).
struct Line {
    /// Offset of its first non-blank byte.
    start: u32,
    indent: u32,
    /// `def` or `async def` with the body on the lines below (the header ends at a `:`
    /// followed by nothing but a comment).
    opens_body: bool,
}

/// Where a `def` header's parameters and return annotation are: the offsets of the `(` that
/// opens the parameter list, of the `)` that closes it, and of the header's `:`. What lies
/// between them is never read from an outline (a function is known by its name, decorators and
/// place), yet the parser builds every parameter, annotation and default (on aleksis-core,
/// ruff's `parse_parameters` was 5 % of a run's instructions with the bodies blanked).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Header {
    /// The index of its line among the logical lines.
    line: usize,
    open: usize,
    close: usize,
    colon: usize,
}

/// The `[start, end)` ranges of block-bodied function bodies, outermost only, in order, each with
/// its header's parameters (when the scan found them), and the deepest bracket nesting (see
/// [`logical_lines`]).
fn function_bodies(bytes: &[u8]) -> Option<(Vec<Body>, u32)> {
    let Lines {
        lines,
        headers,
        inside_brackets,
        deepest,
    } = logical_lines(bytes)?;
    let mut headers = headers.into_iter().peekable();
    let mut bodies = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = &lines[i];
        if !line.opens_body {
            i += 1;
            continue;
        }
        // The body: the logical lines indented deeper than the `def`.
        let mut j = i + 1;
        while j < lines.len() && lines[j].indent > line.indent {
            j += 1;
        }
        if j == i + 1 {
            // No indented line follows: a syntax error the parser will report as it is.
            i += 1;
            continue;
        }
        let start = lines[i + 1].start as usize;
        let end = match lines.get(j) {
            // Up to the line break before the next statement's line.
            Some(next) => line_start(bytes, next.start as usize),
            None => bytes.len(),
        };
        let end = trim_end(bytes, start, end);
        // A line inside brackets in the body, indented no deeper than the `def`: valid (rare),
        // or a bracket left open that only a later stray one closes, the lines between read as
        // one statement of the body although they are the class's. Not blanked: the real text
        // is parsed there.
        let first = inside_brackets.partition_point(|&(at, _)| at <= start);
        let shallow = inside_brackets[first..]
            .iter()
            .take_while(|&&(at, _)| at < end)
            .any(|&(_, indent)| indent <= line.indent as usize);
        if end > start && !shallow {
            while headers.next_if(|h| h.line < i).is_some() {}
            bodies.push(Body {
                start,
                end,
                header: headers.next_if(|h| h.line == i),
            });
        }
        i = j;
    }
    Some((bodies, deepest))
}

/// A function body [`blank_with_depth`] blanks, and its header's parameters.
struct Body {
    start: usize,
    end: usize,
    header: Option<Header>,
}

/// The offset where the physical line holding `at` starts.
fn line_start(bytes: &[u8], at: usize) -> usize {
    bytes[..at]
        .iter()
        .rposition(|&b| b == b'\n' || b == b'\r')
        .map_or(0, |p| p + 1)
}

/// `end` moved back over trailing whitespace (blank lines after the body stay as they are).
fn trim_end(bytes: &[u8], start: usize, mut end: usize) -> usize {
    while end > start && bytes[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    end
}

/// What [`logical_lines`] finds.
struct Lines {
    lines: Vec<Line>,
    /// The parameters of the headers of the lines that open a body, in order.
    headers: Vec<Header>,
    /// The lines inside brackets, as (offset, indentation).
    inside_brackets: Vec<(usize, usize)>,
    /// The deepest bracket nesting.
    deepest: u32,
}

/// Every logical line that holds a statement (not blank, not only a comment), with its
/// indentation, every line that continues a statement inside brackets, as (offset of its first
/// byte that is not a space, its indentation), and the deepest bracket nesting (code brackets,
/// and inside an f-string's replacement fields the field and its brackets, over the code's);
/// `None` when the scan cannot be sure of the structure.
fn logical_lines(bytes: &[u8]) -> Option<Lines> {
    // Offsets and indentations are kept in 32 bits.
    if u32::try_from(bytes.len()).is_err() {
        return None;
    }
    // Reserved at once for one logical line per 32 bytes (model and settings modules hold about
    // one per 40) rather than grown: each growth copies the list and touches new pages.
    let mut lines: Vec<Line> = Vec::with_capacity(bytes.len() / 32 + 8);
    let mut headers: Vec<Header> = Vec::new();
    let mut inside_brackets: Vec<(usize, usize)> = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut depth = 0u32;
    let mut deepest = 0u32;
    let mut i = 0;
    let n = bytes.len();
    // Whether the next byte begins a logical line (after a newline outside brackets and
    // strings, not continued by a backslash).
    let mut at_line_start = true;
    // The `def` header being read.
    let mut reading = HeaderScan::default();
    while i < n {
        if at_line_start {
            at_line_start = false;
            reading.end(&mut lines, &mut headers);
            let mut indent = 0;
            while i < n && bytes[i] == b' ' {
                indent += 1;
                i += 1;
            }
            match bytes.get(i) {
                // Indentation the scan does not measure: leave the file as it is.
                Some(b'\t' | b'\x0c') => return None,
                None => break,
                Some(b'\n' | b'\r' | b'#') => {}
                Some(_) => {
                    let rest = &bytes[i..];
                    let is_def = keyword_at(rest, b"def")
                        || (keyword_at(rest, b"async") && {
                            let after = rest[5..].iter().take_while(|&&b| b == b' ').count();
                            after > 0 && keyword_at(&rest[5 + after..], b"def")
                        });
                    if is_def {
                        reading.line = Some(lines.len());
                    }
                    lines.push(Line {
                        // Both fit: the text's length does.
                        start: i as u32,
                        indent: indent as u32,
                        opens_body: false,
                    });
                }
            }
            continue;
        }
        // Skip what cannot change the structure: most of a file is names, spaces and
        // string content.
        i = match stack.last() {
            None if reading.line.is_none() => crate::bytescan::skip_to(bytes, i, &CODE_ACTS_ON),
            Some(&Frame::Str { quote, triple, f }) => {
                skip_string_content(bytes, i, quote, triple, f)
            }
            _ => i,
        };
        let Some(&b) = bytes.get(i) else {
            break;
        };
        // A line break ends every one-line string still open, with the replacement fields
        // inside it (a field of `f"{x` does not run on into the next lines: it is a syntax
        // error, and the lines after it are code).
        if (b == b'\n' || b == b'\r') && stack.iter().any(is_one_line_string) {
            while stack.iter().any(is_one_line_string) {
                stack.pop();
            }
            continue;
        }
        match stack.last().copied() {
            Some(Frame::Str { quote, triple, f }) => {
                match b {
                    b'\\' => {
                        // The escaped byte; a continued line's break is `\r\n` or one byte.
                        i += if bytes[i + 1..].starts_with(b"\r\n") {
                            3
                        } else {
                            2
                        };
                        continue;
                    }
                    _ if b == quote => {
                        if !triple {
                            stack.pop();
                        } else if bytes.get(i + 1) == Some(&quote)
                            && bytes.get(i + 2) == Some(&quote)
                        {
                            stack.pop();
                            i += 3;
                            continue;
                        }
                    }
                    b'{' if f => {
                        if bytes.get(i + 1) == Some(&b'{') {
                            i += 2;
                            continue;
                        }
                        stack.push(Frame::Field { depth: 0 });
                        deepest = deepest.max(nesting(depth, &stack));
                    }
                    _ => {}
                }
                i += 1;
                continue;
            }
            Some(Frame::Spec) => {
                match b {
                    b'{' => {
                        stack.push(Frame::Field { depth: 0 });
                        deepest = deepest.max(nesting(depth, &stack));
                    }
                    b'}' => {
                        // The end of the spec and of its field.
                        stack.pop();
                        stack.pop();
                    }
                    b'\n' | b'\r' => {
                        // In a triple-quoted f-string (a one-line string is closed above): the
                        // spec ends with its line, the string goes on.
                        stack.pop();
                        stack.pop();
                        continue;
                    }
                    _ => {}
                }
                i += 1;
                continue;
            }
            Some(Frame::Field { depth: d }) => {
                match b {
                    b'(' | b'[' | b'{' => {
                        set_depth(&mut stack, d + 1);
                        deepest = deepest.max(nesting(depth, &stack));
                    }
                    b')' | b']' => set_depth(&mut stack, d.saturating_sub(1)),
                    b'}' if d == 0 => {
                        stack.pop();
                        i += 1;
                        continue;
                    }
                    b'}' => set_depth(&mut stack, d - 1),
                    b':' if d == 0 => {
                        stack.push(Frame::Spec);
                        i += 1;
                        continue;
                    }
                    _ => {}
                }
                // Strings and comments inside a field are read as in code, below.
            }
            None => {}
        }
        let in_field = !stack.is_empty();
        match b {
            b'#' if !in_field => {
                i = memchr::memchr2(b'\n', b'\r', &bytes[i..]).map_or(n, |p| i + p);
                continue;
            }
            b'\'' | b'"' => {
                let f = string_prefix_has_f(bytes, i);
                let triple = bytes.get(i + 1) == Some(&b) && bytes.get(i + 2) == Some(&b);
                stack.push(Frame::Str {
                    quote: b,
                    triple,
                    f,
                });
                i += if triple { 3 } else { 1 };
                if reading.line.is_some() && reading.colon.is_some() {
                    reading.after_colon = true;
                }
                continue;
            }
            b'\\' if !in_field => {
                // A continuation: the next line belongs to this logical line.
                i += 1;
                if bytes.get(i) == Some(&b'\r') {
                    i += 1;
                }
                if bytes.get(i) == Some(&b'\n') {
                    i += 1;
                }
                continue;
            }
            b'(' | b'[' | b'{' if !in_field => {
                if b == b'(' && depth == 0 && reading.before_colon() && reading.open.is_none() {
                    reading.open = Some(i);
                }
                depth += 1;
                deepest = deepest.max(depth);
            }
            b')' | b']' | b'}' if !in_field => {
                depth = depth.saturating_sub(1);
                if b == b')' && depth == 0 && reading.line.is_some() && reading.open.is_some() {
                    reading.close.get_or_insert(i);
                }
            }
            b'\n' | b'\r' if !in_field => {
                i += 1;
                if depth == 0 {
                    at_line_start = true;
                } else if b == b'\n' || bytes.get(i) != Some(&b'\n') {
                    // The next line continues a statement inside brackets.
                    let indent = bytes[i..].iter().take_while(|&&c| c == b' ').count();
                    if !matches!(bytes.get(i + indent), None | Some(b'\n' | b'\r' | b'#')) {
                        inside_brackets.push((i + indent, indent));
                    }
                }
                continue;
            }
            b':' if !in_field && depth == 0 && reading.before_colon() => {
                reading.colon = Some(i);
                i += 1;
                continue;
            }
            _ => {}
        }
        if reading.line.is_some() && reading.colon.is_some() && !b.is_ascii_whitespace() {
            reading.after_colon = true;
        }
        i += 1;
    }
    reading.end(&mut lines, &mut headers);
    // Something left open at the end: the scan may have misread the file.
    if !stack.is_empty() || depth != 0 {
        return None;
    }
    Some(Lines {
        lines,
        headers,
        inside_brackets,
        deepest,
    })
}

/// A `def` header as the scan reads it: its line (among the logical lines; `None`: no header
/// is being read), the `(` and `)` of its parameters and its `:` as met, and whether anything
/// but a comment followed the colon on the logical line.
#[derive(Default)]
struct HeaderScan {
    line: Option<usize>,
    open: Option<usize>,
    close: Option<usize>,
    colon: Option<usize>,
    after_colon: bool,
}

impl HeaderScan {
    /// Whether a header is being read and its `:` is still ahead.
    fn before_colon(&self) -> bool {
        self.line.is_some() && self.colon.is_none()
    }

    /// Ends the header being read (if any): whether its body is on the lines below, and where
    /// its parameters are (a `(` and its `)` before the `:`).
    fn end(&mut self, lines: &mut [Line], headers: &mut Vec<Header>) {
        let HeaderScan {
            line,
            open,
            close,
            colon,
            after_colon,
        } = std::mem::take(self);
        let Some(line) = line else {
            return;
        };
        let opens_body = colon.is_some() && !after_colon;
        lines[line].opens_body = opens_body;
        if let (Some(open), Some(close), Some(colon)) = (open, close, colon)
            && opens_body
            && close < colon
        {
            headers.push(Header {
                line,
                open,
                close,
                colon,
            });
        }
    }
}

/// The bracket nesting inside the replacement fields on `stack`, over the code's `depth`: each
/// field's `{` and the brackets open in it.
fn nesting(depth: u32, stack: &[Frame]) -> u32 {
    let fields: u32 = stack
        .iter()
        .map(|f| match f {
            Frame::Field { depth } => depth + 1,
            _ => 0,
        })
        .sum();
    depth + fields
}

/// The bytes code outside a `def` header is scanned for.
const CODE_ACTS_ON: [bool; 256] = crate::bytescan::table(b"#'\"\\([{)]}\n\r");

/// The first offset from `i` inside a string that may end it, escape, open a replacement
/// field, or (one-line strings) break its line.
fn skip_string_content(bytes: &[u8], i: usize, quote: u8, triple: bool, f: bool) -> usize {
    let rest = &bytes[i..];
    let found = match (triple, f) {
        (true, false) => memchr::memchr2(quote, b'\\', rest),
        (true, true) => memchr::memchr3(quote, b'\\', b'{', rest),
        (false, false) => rest
            .iter()
            .position(|&b| b == quote || b == b'\\' || b == b'\n' || b == b'\r'),
        (false, true) => rest
            .iter()
            .position(|&b| b == quote || b == b'\\' || b == b'\n' || b == b'\r' || b == b'{'),
    };
    found.map_or(bytes.len(), |p| i + p)
}

fn is_one_line_string(frame: &Frame) -> bool {
    matches!(frame, Frame::Str { triple: false, .. })
}

fn set_depth(stack: &mut [Frame], depth: u32) {
    if let Some(Frame::Field { depth: d }) = stack.last_mut() {
        *d = depth;
    }
}

/// Whether `word` starts `rest` as a whole word.
fn keyword_at(rest: &[u8], word: &[u8]) -> bool {
    rest.starts_with(word)
        && rest
            .get(word.len())
            .is_none_or(|&b| !(b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80))
}

/// Whether the quote at `at` opens an f-string or t-string: its prefix (the letters right before
/// it, when they are a whole word) holds an `f` or a `t`.
fn string_prefix_has_f(bytes: &[u8], at: usize) -> bool {
    let mut k = at;
    while k > 0 && bytes[k - 1].is_ascii_alphabetic() {
        k -= 1;
    }
    let prefix = &bytes[k..at];
    let whole_word = k == 0
        || !(bytes[k - 1].is_ascii_alphanumeric() || bytes[k - 1] == b'_' || bytes[k - 1] >= 0x80);
    // Only the prefix letters (`if"{"` is the keyword `if` before a plain string).
    let letters = prefix
        .iter()
        .all(|b| matches!(b.to_ascii_lowercase(), b'r' | b'b' | b'u' | b'f' | b't'));
    whole_word
        && letters
        && prefix.len() <= 2
        && prefix
            .iter()
            .any(|b| matches!(b.to_ascii_lowercase(), b'f' | b't'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blanked(src: &str) -> String {
        blank_function_bodies(src).unwrap_or_else(|| src.to_string())
    }

    #[test]
    fn a_method_body_becomes_one_statement_at_the_same_offsets() {
        let src = "class A(B):\n    x = f(y=1)\n\n    def p(self):\n        z = 1\n        return z\n\n    y = 2\n";
        let out = blanked(src);
        assert_eq!(out.len(), src.len());
        assert_eq!(
            out,
            "class A(B):\n    x = f(y=1)\n\n    def p(    ):\n        0#= 1         return z\n\n    y = 2\n"
        );
    }

    #[test]
    fn one_line_bodies_and_headers_over_lines_are_read_right() {
        let src = "def f(): return 1\ndef g(\n    a: int = (1,\n 2),\n) -> dict[str, int]:  # c\n    return {}\nx = 1\n";
        let out = blanked(src);
        assert!(out.starts_with("def f(): return 1\n"), "{out}");
        assert!(out.contains("  # c\n    0#turn {}\nx = 1\n"), "{out}");
        // The parameters over three lines and the return annotation: spaces, the `:` kept.
        let (params, annotation) = ("\n    a: int = (1,\n 2),\n", " -> dict[str, int]");
        let header = format!(
            "def g({}){}:  # c\n",
            " ".repeat(params.len()),
            " ".repeat(annotation.len())
        );
        assert!(out.contains(&header), "{out}");
    }

    #[test]
    fn parameters_and_return_annotations_are_blanked_with_their_body_only() {
        // A string holding a bracket, a default holding a lambda's colon, type parameters:
        // the parameter list is the `(` after them to its own `)`.
        let src = concat!(
            "def f[T](a=\")\", b=lambda x: x, *c: 'é') -> T:\n",
            "    return a\n",
            "def g(a): return a\n",
            "async  def h(a) -> None:\n",
            "    pass\n",
        );
        let out = blanked(src);
        assert_eq!(out.len(), src.len());
        let lines: Vec<&str> = out.lines().collect();
        let params = "a=\")\", b=lambda x: x, *c: 'é'";
        assert_eq!(
            lines[0],
            format!("def f[T]({})     :", " ".repeat(params.len()))
        );
        assert_eq!(
            lines[2], "def g(a): return a",
            "a one-line body keeps its header"
        );
        assert_eq!(lines[3], "async  def h( )        :");
        assert!(crate::syntax::parse(&out).errors.is_empty(), "{out}");
    }

    #[test]
    fn strings_comments_and_continuations_do_not_end_a_body() {
        let src = concat!(
            "def f():\n",
            "    s = \"\"\"\n",
            "class NotAClass:\n",
            "\"\"\"\n",
            "    t = (1,\n",
            "        2)\n",
            "# a comment at column 0\n",
            "    u = 1 + \\\n",
            "2\n",
            "    v = f\"{d[\"k\"]:>{w}}\" + f'{x!r}' + rb'\\'' + '#'\n",
            "class C:\n",
            "    pass\n",
        );
        let out = blanked(src);
        assert_eq!(out.len(), src.len());
        // The body is one line: the class inside the string is comment text.
        assert!(!out.contains("\nclass NotAClass"), "{out}");
        assert_eq!(out.matches('\n').count(), 4, "{out}");
        assert!(out.ends_with("\nclass C:\n    pass\n"), "{out}");
        assert!(out.starts_with("def f():\n    0"), "{out}");
    }

    /// A syntax error inside a body must not carry the scan past it: what follows the
    /// function is kept.
    #[test]
    fn an_unterminated_field_in_a_body_ends_with_its_line() {
        for broken in ["f\"{x", "f\"{x:{y", "f\"{d[\"k\"]", "f\"{x!r"] {
            // A `}` below would otherwise close the field the broken line opened, and `y`
            // would be read as part of the body.
            let src = format!(
                "class A:\n    def p(self):\n        return {broken}\n    y = models.CharField()\n    # }}\n    z = 1\n"
            );
            let out = blanked(&src);
            assert!(
                out.ends_with("\n    y = models.CharField()\n    # }\n    z = 1\n"),
                "{broken}: {out:?}"
            );
        }
    }

    /// A bracket left open in a body and a stray one further down would make the lines
    /// between one statement of the body: a line inside brackets indented no deeper than the
    /// `def` keeps its body as it is.
    #[test]
    fn a_body_with_a_shallow_line_inside_brackets_is_kept() {
        let src = "class A:\n    def p(self):\n        x = f(1,\n    y = models.CharField()\n    def q(self):\n        return g)\n    z = 1\n";
        assert_eq!(blank_function_bodies(src), None);
        // Valid code with such a line: that body is kept, the others are blanked.
        let src = "def f():\n    x = g(\n1)\ndef h():\n    return 2\n";
        assert_eq!(
            blanked(src),
            "def f():\n    x = g(\n1)\ndef h():\n    0#turn 2\n"
        );
    }

    #[test]
    fn nested_and_async_functions_are_blanked_with_their_outer_body() {
        let src =
            "async  def f():\n    def g():\n        pass\n    return g\n@dec\ndef h(): pass\n";
        let out = blanked(src);
        assert_eq!(
            out,
            "async  def f():\n    0#f g():         pass     return g\n@dec\ndef h(): pass\n"
        );
    }

    #[test]
    fn nothing_is_blanked_where_the_scan_is_unsure() {
        // A tab in an indentation, a string left open, a bracket left open.
        for src in [
            "def f():\n\treturn 1\n",
            "def f():\n    return '''\n",
            "def f():\n    return (1,\n",
        ] {
            assert_eq!(blank_function_bodies(src), None, "{src:?}");
        }
        // No function: nothing to blank.
        assert_eq!(blank_function_bodies("x = 1\n"), None);
    }

    #[test]
    fn multibyte_text_in_a_body_is_kept_in_its_comment_and_cut_whole() {
        let src = "def f():\n    return \"héllo wörld\"\nx = 1\n";
        assert_eq!(
            blanked(src),
            "def f():\n    0#turn \"héllo wörld\"\nx = 1\n"
        );
        // A body starting with a character of three bytes: the `0#` takes its first two, the
        // third becomes a space (the text stays UTF-8, so the body is blanked at all).
        let src = "def f():\n    ℓ = 1\n    return ℓ\nx = 1\n";
        let out = blank_function_bodies(src).expect("blanked");
        assert_eq!(out, "def f():\n    0#  = 1     return ℓ\nx = 1\n");
        assert_eq!(out.len(), src.len());
    }

    /// The scan measures the deepest bracket nesting, a function's body included, and an
    /// f-string's replacement fields counted over the code around them.
    #[test]
    fn the_scan_measures_the_deepest_nesting() {
        let depth = |src: &str| blank_with_depth(src).map(|(_, d)| d);
        assert_eq!(depth("x = 1\n"), Some(0));
        assert_eq!(depth("x = [[(1, {2: 3})]]\n"), Some(4));
        assert_eq!(depth("def f():\n    return (((1)))\nx = [1]\n"), Some(3));
        // The field's `{` then `[` then `(`, inside one bracket of code.
        assert_eq!(depth("x = (f\"{a[(1)]}\")\n"), Some(4));
        // A nested field of a format spec, and brackets in strings and comments, which do not count.
        assert_eq!(depth("x = f\"{a:{w}}\"  # ((((\ny = '(('\n"), Some(2));
        assert_eq!(depth("x = (1,\n"), None);
        let deep = format!("x = {}1{}\n", "[".repeat(300), "]".repeat(300));
        assert_eq!(depth(&deep), Some(300));
    }
}
