//! The only user of Ruff's parser crates. It turns Python source text into the small, owned
//! syntax view the rest of the linter works on: the statements that can declare imports,
//! classes, fields and settings, and the expressions inside them.
//!
//! Why a view of our own: the parser's API is unstable (0.0.x, "frequent breaking changes"), so
//! keeping it behind one module means a parser upgrade touches one file. The view is also bounded:
//! expressions nested deeper than [`MAX_EXPR_DEPTH`] become [`ExprKind::Other`], and the text is
//! pre-scanned for bracket depth, because both the parser's AST drop and any recursive walk
//! overflow the stack on pathologically nested input (peers.md §B3).

use std::sync::Arc;

use ruff_python_ast::{self as ast, PySourceType};
use ruff_text_size::Ranged;

/// A byte range into the module's text (UTF-8 offsets, end exclusive).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: u32, end: u32) -> Self {
        Span { start, end }
    }
    pub fn len(self) -> u32 {
        self.end.saturating_sub(self.start)
    }
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }
}

fn span_of<T: Ranged>(node: &T) -> Span {
    let r = node.range();
    Span::new(r.start().to_u32(), r.end().to_u32())
}

/// Expressions nested deeper than this are not converted: nothing a rule reads (a field call,
/// a settings literal) is that deep, and the bound keeps our own conversion non-recursive in
/// practice.
pub const MAX_EXPR_DEPTH: usize = 48;

/// Bracket depth above which a file is not handed to the parser. CPython itself refuses more
/// than 200 nested parentheses ("too many nested parentheses"), so no valid module exceeds it.
pub const MAX_BRACKET_DEPTH: usize = 200;

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// A plain (non-f, non-bytes) string literal, implicit concatenation joined.
    Str(String),
    Name(String),
    Attribute {
        value: Box<Expr>,
        attr: String,
    },
    Call {
        func: Box<Expr>,
        args: Vec<Expr>,
        keywords: Vec<Keyword>,
    },
    List(Vec<Expr>),
    Tuple(Vec<Expr>),
    Dict(Vec<(Option<Expr>, Expr)>),
    Bool(bool),
    NoneLit,
    Int(i64),
    /// `left + right`; other binary operators are [`ExprKind::Other`].
    Add(Box<Expr>, Box<Expr>),
    /// `*value` inside a list or call.
    Starred(Box<Expr>),
    /// `body if test else orelse` (the test is not kept: both values are possible).
    IfExp(Box<Expr>, Box<Expr>),
    /// A string built at run time (an f-string, `"..." % x`): only its literal prefix, the text
    /// before the first interpolation, is known.
    Interpolated(String),
    /// A list, set or generator comprehension: its items are not evaluated.
    Comprehension,
    Other,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Keyword {
    /// `None` for `**kwargs`.
    pub arg: Option<String>,
    pub arg_span: Span,
    pub value: Expr,
    pub span: Span,
}

impl Expr {
    /// `a.b.c` for a chain of names and attributes.
    pub fn dotted(&self) -> Option<String> {
        match &self.kind {
            ExprKind::Name(n) => Some(n.clone()),
            ExprKind::Attribute { value, attr } => {
                Some(crate::index::dotted(&value.dotted()?, attr))
            }
            _ => None,
        }
    }
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            ExprKind::Str(s) => Some(s),
            _ => None,
        }
    }
    pub fn keyword(&self, name: &str) -> Option<&Keyword> {
        match &self.kind {
            ExprKind::Call { keywords, .. } => {
                keywords.iter().find(|k| k.arg.as_deref() == Some(name))
            }
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ImportAlias {
    pub name: String,
    pub asname: Option<String>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Stmt {
    Import {
        names: Vec<ImportAlias>,
        span: Span,
    },
    ImportFrom {
        module: Option<String>,
        level: u32,
        names: Vec<ImportAlias>,
        span: Span,
    },
    Class(ClassDef),
    Function(FunctionDef),
    /// The value and the annotation are shared: the module's index keeps them too (a class's
    /// fields, a module's names), and a copy of every field call cost as much as its conversion.
    Assign {
        targets: Vec<Expr>,
        value: Option<Arc<Expr>>,
        annotation: Option<Arc<Expr>>,
        span: Span,
    },
    AugAssign {
        target: Expr,
        is_add: bool,
        value: Expr,
        span: Span,
    },
    Expr(Expr),
    /// The body of a `try`, `with`, `for` or `while`: statements that may run. Kept apart so a
    /// reader can tell a conditional definition from an unconditional one.
    Block(Vec<Stmt>),
    /// An `if` statement: one arm per `if` / `elif` / `else` body, in order. Without an `else`
    /// (`exhaustive` false) none of the arms may run.
    If {
        arms: Vec<Vec<Stmt>>,
        exhaustive: bool,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct ClassDef {
    pub name: String,
    pub name_span: Span,
    /// From `class` to the end of the header's closing parenthesis (or the name).
    pub header_span: Span,
    pub span: Span,
    pub bases: Vec<Expr>,
    pub keywords: Vec<Keyword>,
    /// Where `(bases)` ends, or the name's end when there are none: fixes insert here.
    pub arguments_span: Option<Span>,
    pub body: Vec<Stmt>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FunctionDef {
    pub name: String,
    pub name_span: Span,
    pub span: Span,
    pub decorators: Vec<Expr>,
    /// Empty when the module was read with [`parse_outline`] (a project's modules are).
    pub body: Vec<Stmt>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SyntaxError {
    pub message: String,
    pub span: Span,
}

/// A module's syntax view and the errors met while producing it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Module {
    pub body: Vec<Stmt>,
    pub errors: Vec<SyntaxError>,
}

/// Parse `source`. Never panics; errors are returned inside the module with their positions, and
/// as much of the module as the parser recovered is kept (Ruff's parser is error-resilient).
pub fn parse(source: &str) -> Module {
    parse_with(source, Bodies::All)
}

/// As [`parse`], but the statements inside function bodies are not read: each
/// [`FunctionDef::body`] is empty. A project's modules are read for what a class or a module
/// binds, never for what a function does, so the parser is given the text with every function
/// body blanked, with its parameters (see `blank_bodies`; the spans are the real text's). The
/// price: a syntax error inside a function body or its parameters is not reported (Python and ruff report it; the outline is whole).
/// Where the blanked text has a syntax error, the real text is parsed and its errors reported.
///
/// The one difference from [`parse`] with the bodies emptied: the span of a function (and of a
/// class ending with one) ends where its blanked body does, at its first statement.
pub fn parse_outline(source: &str) -> Module {
    let scanned = crate::blank_bodies::blank_with_depth(source);
    // The scan measured the nesting: the blanked text (brackets only removed) needs no look of
    // its own, nor the real one when nothing was blanked.
    let shallow = scanned
        .as_ref()
        .is_some_and(|&(_, deepest)| deepest as usize <= MAX_BRACKET_DEPTH);
    match scanned {
        Some((Some(blanked), _)) => {
            let outline = parse_checked(&blanked, Bodies::Outline, !shallow);
            if outline.errors.is_empty() {
                return outline;
            }
        }
        Some((None, _)) => return parse_checked(source, Bodies::Outline, !shallow),
        None => {}
    }
    parse_with(source, Bodies::Outline)
}

/// Which statements [`parse_with`] converts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Bodies {
    All,
    /// Everything but the statements inside function bodies.
    Outline,
}

fn parse_with(source: &str, bodies: Bodies) -> Module {
    parse_checked(source, bodies, true)
}

/// [`parse_with`], looking at the nesting first only when `check_nesting`.
fn parse_checked(source: &str, bodies: Bodies, check_nesting: bool) -> Module {
    if let Some(offset) = check_nesting.then(|| excessive_nesting(source)).flatten() {
        return Module {
            body: Vec::new(),
            errors: vec![SyntaxError {
                message: format!(
                    "brackets nested more than {MAX_BRACKET_DEPTH} deep; the file is not parsed"
                ),
                span: Span::new(offset, offset),
            }],
        };
    }
    with_parsed(source, |parsed| {
        let all = parsed.errors();
        let mut errors: Vec<SyntaxError> = all
            .iter()
            .take(MAX_SYNTAX_ERRORS)
            .map(|e| SyntaxError {
                message: e.error.to_string(),
                span: Span::new(e.location.start().to_u32(), e.location.end().to_u32()),
            })
            .collect();
        if all.len() > MAX_SYNTAX_ERRORS
            && let Some(last) = errors.last_mut()
        {
            last.message.push_str(&format!(
                " ({} more syntax errors in this file)",
                all.len() - MAX_SYNTAX_ERRORS
            ));
        }
        Module {
            body: convert_suite(&parsed.syntax().body, 0, bodies),
            errors,
        }
    })
}

/// Syntax errors reported per file: a file of garbage (NUL bytes) has one per byte, and the
/// first few say all there is to say.
pub const MAX_SYNTAX_ERRORS: usize = 10;

/// Stack for parsing a large file. Ruff's parser grows its own stack, but dropping its AST is
/// recursive: `1 + 1 + …` or `a.b.b…` 100,000 deep (no brackets, so the pre-scan lets it through)
/// needs ~20 MB of stack to drop. The reservation is virtual memory, touched only as used.
pub const PARSE_STACK: usize = 1 << 30;

/// Files below this size cannot nest deeply enough to overflow a 16 MiB stack when the AST is
/// dropped (each level takes at least two bytes of source).
const SMALL_FILE: usize = 16 * 1024;

thread_local! {
    /// Whether this thread's stack is [`PARSE_STACK`] large (see [`mark_big_stack`]).
    static BIG_STACK: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Declares that the calling thread runs on a stack of at least [`PARSE_STACK`] bytes (the
/// worker pool's start handler calls it), so a large file is parsed in place instead of on a
/// thread of its own. Why it matters: a new thread is not only a spawn but a fresh allocator
/// heap, whose every page the kernel must zero on first touch: with a thread per large file,
/// that zeroing was the largest single cost of a project with a few large modules.
pub fn mark_big_stack() {
    BIG_STACK.with(|b| b.set(true));
}

/// Parses `source` and runs `f` on the result, on a thread with a large stack when the file is
/// big enough to nest deeply (unless this thread's stack is already that large), so that
/// neither `f` nor the AST's drop can overflow the stack.
fn with_parsed<T: Send>(
    source: &str,
    f: impl FnOnce(&ruff_python_parser::Parsed<ruff_python_ast::ModModule>) -> T + Send,
) -> T {
    let job = std::sync::Mutex::new(Some(f));
    let run = || {
        let f = job.lock().ok()?.take()?;
        let parsed = ruff_python_parser::parse_unchecked_source(source, PySourceType::Python);
        Some(f(&parsed))
    };
    let on_big_stack = (source.len() >= SMALL_FILE && !BIG_STACK.with(std::cell::Cell::get))
        .then(|| {
            std::thread::scope(|scope| {
                let handle = std::thread::Builder::new()
                    .stack_size(PARSE_STACK)
                    .spawn_scoped(scope, run)
                    .ok()?;
                match handle.join() {
                    Ok(value) => value,
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            })
        })
        .flatten();
    // Small file, a big stack already, or no thread could be spawned: parse here.
    match on_big_stack.or_else(run) {
        Some(value) => value,
        None => unreachable!("the parse job runs exactly once"),
    }
}

/// Returns the offset where bracket nesting first exceeds [`MAX_BRACKET_DEPTH`]. Strings and
/// comments are skipped so brackets inside them do not count.
fn excessive_nesting(source: &str) -> Option<u32> {
    /// The bytes the scan acts on; most of a file is none of them.
    const ACTS_ON: [bool; 256] = crate::bytescan::table(b"#'\"([{)]}");
    let bytes = source.as_bytes();
    let mut depth = 0usize;
    let mut i = 0usize;
    while i < bytes.len() {
        i = crate::bytescan::skip_to(bytes, i, &ACTS_ON);
        let Some(&b) = bytes.get(i) else {
            break;
        };
        match b {
            b'#' => {
                i = memchr::memchr2(b'\n', b'\r', &bytes[i..]).map_or(bytes.len(), |p| i + p);
                continue;
            }
            q @ (b'\'' | b'"') => {
                let triple = bytes.get(i + 1) == Some(&q) && bytes.get(i + 2) == Some(&q);
                i += if triple { 3 } else { 1 };
                while i < bytes.len() {
                    // A triple-quoted string (a docstring, a help text) ends only at its quote:
                    // jump to the next quote or backslash.
                    if triple {
                        match memchr::memchr2(q, b'\\', &bytes[i..]) {
                            Some(p) => i += p,
                            None => {
                                i = bytes.len();
                                break;
                            }
                        }
                    }
                    let b = bytes[i];
                    if b == b'\\' {
                        i += 2;
                        continue;
                    }
                    if b == q {
                        if !triple {
                            break;
                        }
                        if bytes.get(i + 1) == Some(&q) && bytes.get(i + 2) == Some(&q) {
                            i += 2;
                            break;
                        }
                    } else if !triple && (b == b'\n' || b == b'\r') {
                        break;
                    }
                    i += 1;
                }
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_BRACKET_DEPTH {
                    return Some(i as u32);
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

fn convert_suite(stmts: &[ast::Stmt], depth: usize, bodies: Bodies) -> Vec<Stmt> {
    if depth > MAX_EXPR_DEPTH {
        return Vec::new();
    }
    stmts
        .iter()
        .filter_map(|s| convert_stmt(s, depth, bodies))
        .collect()
}

fn convert_stmt(stmt: &ast::Stmt, depth: usize, bodies: Bodies) -> Option<Stmt> {
    Some(match stmt {
        ast::Stmt::Import(s) => Stmt::Import {
            names: s.names.iter().map(convert_alias).collect(),
            span: span_of(s),
        },
        ast::Stmt::ImportFrom(s) => Stmt::ImportFrom {
            module: s.module.as_ref().map(|m| m.as_str().to_string()),
            level: s.level,
            names: s.names.iter().map(convert_alias).collect(),
            span: span_of(s),
        },
        ast::Stmt::ClassDef(c) => {
            let (bases, keywords, arguments_span) = match &c.arguments {
                Some(a) => (
                    a.args.iter().map(|e| convert_expr(e, 0)).collect(),
                    a.keywords.iter().map(|k| convert_keyword(k, 0)).collect(),
                    Some(span_of(a.as_ref())),
                ),
                None => (Vec::new(), Vec::new(), None),
            };
            let header_end = arguments_span.map_or(span_of(&c.name).end, |s| s.end);
            Stmt::Class(ClassDef {
                name: c.name.as_str().to_string(),
                name_span: span_of(&c.name),
                header_span: Span::new(span_of(c).start, header_end),
                span: span_of(c),
                bases,
                keywords,
                arguments_span,
                body: convert_suite(&c.body, depth + 1, bodies),
            })
        }
        ast::Stmt::FunctionDef(f) => Stmt::Function(FunctionDef {
            name: f.name.as_str().to_string(),
            name_span: span_of(&f.name),
            span: span_of(f),
            decorators: f
                .decorator_list
                .iter()
                .map(|d| convert_expr(&d.expression, 0))
                .collect(),
            body: match bodies {
                Bodies::All => convert_suite(&f.body, depth + 1, bodies),
                Bodies::Outline => Vec::new(),
            },
        }),
        ast::Stmt::Assign(a) => Stmt::Assign {
            targets: a.targets.iter().map(|t| convert_expr(t, 0)).collect(),
            value: Some(Arc::new(convert_expr(&a.value, 0))),
            annotation: None,
            span: span_of(a),
        },
        ast::Stmt::AnnAssign(a) => Stmt::Assign {
            targets: vec![convert_expr(&a.target, 0)],
            value: a.value.as_ref().map(|v| Arc::new(convert_expr(v, 0))),
            annotation: Some(Arc::new(convert_expr(&a.annotation, 0))),
            span: span_of(a),
        },
        ast::Stmt::AugAssign(a) => Stmt::AugAssign {
            target: convert_expr(&a.target, 0),
            is_add: matches!(a.op, ast::Operator::Add),
            value: convert_expr(&a.value, 0),
            span: span_of(a),
        },
        ast::Stmt::Expr(e) => Stmt::Expr(convert_expr(&e.value, 0)),
        ast::Stmt::If(s) => {
            let mut arms = vec![convert_suite(&s.body, depth + 1, bodies)];
            for clause in &s.elif_else_clauses {
                arms.push(convert_suite(&clause.body, depth + 1, bodies));
            }
            Stmt::If {
                arms,
                exhaustive: s.elif_else_clauses.iter().any(|c| c.test.is_none()),
            }
        }
        ast::Stmt::Try(s) => {
            let mut body = convert_suite(&s.body, depth + 1, bodies);
            for ast::ExceptHandler::ExceptHandler(h) in &s.handlers {
                body.extend(convert_suite(&h.body, depth + 1, bodies));
            }
            body.extend(convert_suite(&s.orelse, depth + 1, bodies));
            body.extend(convert_suite(&s.finalbody, depth + 1, bodies));
            Stmt::Block(body)
        }
        ast::Stmt::With(s) => Stmt::Block(convert_suite(&s.body, depth + 1, bodies)),
        ast::Stmt::For(s) => Stmt::Block(convert_suite(&s.body, depth + 1, bodies)),
        ast::Stmt::While(s) => Stmt::Block(convert_suite(&s.body, depth + 1, bodies)),
        _ => return None,
    })
}

fn convert_alias(a: &ast::Alias) -> ImportAlias {
    ImportAlias {
        name: a.name.as_str().to_string(),
        asname: a.asname.as_ref().map(|n| n.as_str().to_string()),
        span: span_of(a),
    }
}

fn convert_keyword(k: &ast::Keyword, depth: usize) -> Keyword {
    Keyword {
        arg: k.arg.as_ref().map(|a| a.as_str().to_string()),
        arg_span: k.arg.as_ref().map_or(span_of(k), span_of),
        value: convert_expr(&k.value, depth + 1),
        span: span_of(k),
    }
}

fn convert_expr(expr: &ast::Expr, depth: usize) -> Expr {
    let span = span_of(expr);
    if depth > MAX_EXPR_DEPTH {
        return Expr {
            kind: ExprKind::Other,
            span,
        };
    }
    let d = depth + 1;
    let kind = match expr {
        ast::Expr::StringLiteral(s) => ExprKind::Str(s.value.to_str().to_string()),
        ast::Expr::Name(n) => ExprKind::Name(n.id.as_str().to_string()),
        ast::Expr::Attribute(a) => ExprKind::Attribute {
            value: Box::new(convert_expr(&a.value, d)),
            attr: a.attr.as_str().to_string(),
        },
        ast::Expr::Call(c) => ExprKind::Call {
            func: Box::new(convert_expr(&c.func, d)),
            args: c
                .arguments
                .args
                .iter()
                .map(|e| convert_expr(e, d))
                .collect(),
            keywords: c
                .arguments
                .keywords
                .iter()
                .map(|k| convert_keyword(k, d))
                .collect(),
        },
        ast::Expr::List(l) => ExprKind::List(l.elts.iter().map(|e| convert_expr(e, d)).collect()),
        ast::Expr::Tuple(t) => ExprKind::Tuple(t.elts.iter().map(|e| convert_expr(e, d)).collect()),
        ast::Expr::Dict(m) => ExprKind::Dict(
            m.items
                .iter()
                .map(|item| {
                    (
                        item.key.as_ref().map(|k| convert_expr(k, d)),
                        convert_expr(&item.value, d),
                    )
                })
                .collect(),
        ),
        ast::Expr::BooleanLiteral(b) => ExprKind::Bool(b.value),
        ast::Expr::NoneLiteral(_) => ExprKind::NoneLit,
        ast::Expr::NumberLiteral(n) => match &n.value {
            ast::Number::Int(i) => i.as_i64().map_or(ExprKind::Other, ExprKind::Int),
            _ => ExprKind::Other,
        },
        ast::Expr::BinOp(b) if matches!(b.op, ast::Operator::Add) => ExprKind::Add(
            Box::new(convert_expr(&b.left, d)),
            Box::new(convert_expr(&b.right, d)),
        ),
        ast::Expr::Starred(s) => ExprKind::Starred(Box::new(convert_expr(&s.value, d))),
        ast::Expr::If(i) => ExprKind::IfExp(
            Box::new(convert_expr(&i.body, d)),
            Box::new(convert_expr(&i.orelse, d)),
        ),
        ast::Expr::FString(f) => ExprKind::Interpolated(fstring_prefix(f)),
        ast::Expr::BinOp(b) if matches!(b.op, ast::Operator::Mod) => match &*b.left {
            ast::Expr::StringLiteral(s) => {
                let text = s.value.to_str();
                ExprKind::Interpolated(text.split('%').next().unwrap_or_default().to_string())
            }
            _ => ExprKind::Other,
        },
        ast::Expr::ListComp(_) | ast::Expr::SetComp(_) | ast::Expr::Generator(_) => {
            ExprKind::Comprehension
        }
        _ => ExprKind::Other,
    };
    Expr { kind, span }
}

/// The literal text of an f-string before its first interpolation.
fn fstring_prefix(f: &ast::ExprFString) -> String {
    let mut prefix = String::new();
    for part in f.value.iter() {
        match part {
            ast::FStringPart::Literal(l) => prefix.push_str(&l.value),
            ast::FStringPart::FString(fs) => {
                for element in fs.elements.iter() {
                    match element {
                        ast::InterpolatedStringElement::Literal(l) => prefix.push_str(&l.value),
                        ast::InterpolatedStringElement::Interpolation(_) => return prefix,
                    }
                }
            }
        }
    }
    prefix
}

/// Calls `f` on every statement in `body`, nested ones included (class, function and block
/// bodies), without recursion.
pub fn for_each_stmt<'a>(body: &'a [Stmt], mut f: impl FnMut(&'a Stmt)) {
    let mut stack: Vec<&'a Stmt> = body.iter().rev().collect();
    while let Some(stmt) = stack.pop() {
        f(stmt);
        match stmt {
            Stmt::Class(c) => stack.extend(c.body.iter().rev()),
            Stmt::Function(func) => stack.extend(func.body.iter().rev()),
            Stmt::Block(b) => stack.extend(b.iter().rev()),
            Stmt::If { arms, .. } => stack.extend(arms.iter().rev().flat_map(|a| a.iter().rev())),
            _ => {}
        }
    }
}

/// The file's comments, in order (from the token stream, so a `#` inside a string literal, even
/// a multi-line one, is not a comment, and a comment ends where the lexer ends it).
pub fn comment_spans(source: &str) -> Vec<Span> {
    use ruff_python_ast::token::TokenKind;
    if excessive_nesting(source).is_some() {
        return Vec::new();
    }
    with_parsed(source, |parsed| {
        parsed
            .tokens()
            .iter()
            .filter(|t| t.kind() == TokenKind::Comment)
            .map(span_of)
            .collect()
    })
}

/// How a name is used in code that may need renaming with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UseKind {
    /// `obj.name`: an attribute (a reverse accessor).
    Attribute,
    /// `filter(name__isnull=True)`: a keyword argument that is a lookup.
    Keyword,
    /// `"name"` or `"name__expires"` in a plain string literal: a lookup or a field path.
    Lookup,
    /// The name inside an f-string's literal text: the lookup is built at runtime and cannot be
    /// rewritten with certainty.
    Dynamic,
}

/// A use of one of the names: `span` covers exactly the name (a lookup's `__suffix` excluded).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameUse {
    pub span: Span,
    pub kind: UseKind,
    pub name: String,
}

/// Uses of `names` as attributes, lookup keywords and lookup strings, found in the token stream
/// (comments, docstrings' prose and longer identifiers do not count).
pub fn name_uses(source: &str, names: &[&str]) -> Vec<NameUse> {
    if names.is_empty() || excessive_nesting(source).is_some() {
        return Vec::new();
    }
    with_parsed(source, |parsed| {
        uses_in_tokens(source, parsed.tokens(), names)
    })
}

fn uses_in_tokens(
    source: &str,
    tokens: &ruff_python_ast::token::Tokens,
    names: &[&str],
) -> Vec<NameUse> {
    use ruff_python_ast::token::TokenKind;
    let tokens: Vec<_> = tokens
        .iter()
        .filter(|t| !matches!(t.kind(), TokenKind::Comment | TokenKind::NonLogicalNewline))
        .collect();
    let matches = |text: &str, exact: bool| {
        names.iter().find(|n| {
            text == **n
                || (!exact
                    && text
                        .strip_prefix(**n)
                        .is_some_and(|rest| rest.starts_with("__")))
        })
    };
    let mut out = Vec::new();
    for (i, tok) in tokens.iter().enumerate() {
        let span = span_of(*tok);
        let text = &source[span.start as usize..span.end as usize];
        let prev = i.checked_sub(1).map(|j| tokens[j].kind());
        let next = tokens.get(i + 1).map(|t| t.kind());
        match tok.kind() {
            TokenKind::Name if prev == Some(TokenKind::Dot) => {
                if let Some(n) = matches(text, true) {
                    out.push(NameUse {
                        span: Span::new(span.start, span.start + n.len() as u32),
                        kind: UseKind::Attribute,
                        name: n.to_string(),
                    });
                }
            }
            TokenKind::Name
                if next == Some(TokenKind::Equal)
                    && matches!(prev, Some(TokenKind::Lpar | TokenKind::Comma)) =>
            {
                if let Some(n) = matches(text, false) {
                    out.push(NameUse {
                        span: Span::new(span.start, span.start + n.len() as u32),
                        kind: UseKind::Keyword,
                        name: n.to_string(),
                    });
                }
            }
            TokenKind::FStringMiddle | TokenKind::TStringMiddle => {
                for n in names {
                    let word =
                        |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
                    let found = text.match_indices(n).find(|(at, _)| {
                        !word(text[..*at].chars().next_back())
                            && (text[at + n.len()..].starts_with("__")
                                || !word(text[at + n.len()..].chars().next()))
                    });
                    if let Some((at, _)) = found {
                        let start = span.start + at as u32;
                        out.push(NameUse {
                            span: Span::new(start, start + n.len() as u32),
                            kind: UseKind::Dynamic,
                            name: n.to_string(),
                        });
                    }
                }
            }
            // Another field's `related_name="x"` declares its own reverse name, not a use of
            // this one: renaming it would make two fields' fixes undo each other forever. A
            // Meta's `default_related_name = "x"` stays a use: the renamed uses of the model's
            // other reverse relations keep working only if it is renamed with them.
            TokenKind::String if declares_reverse_name(source, &tokens, i) => {}
            TokenKind::String => {
                let prefix = text.chars().take_while(|c| c.is_ascii_alphabetic()).count();
                if text[..prefix]
                    .chars()
                    .any(|c| matches!(c, 'b' | 'B' | 'f' | 'F' | 't' | 'T'))
                {
                    continue;
                }
                let body = &text[prefix..];
                let quote = if body.starts_with("\"\"\"") || body.starts_with("\'\'\'") {
                    3
                } else {
                    1
                };
                // An unterminated literal (a syntax error) has no closing quote to strip.
                let quotes = &body[..quote];
                let Some(content) = body
                    .strip_suffix(quotes)
                    .filter(|_| body.len() >= 2 * quote)
                    .and_then(|b| b.get(quote..))
                else {
                    continue;
                };
                if let Some(n) = matches(content, false) {
                    let start = span.start + (prefix + quote) as u32;
                    out.push(NameUse {
                        span: Span::new(start, start + n.len() as u32),
                        kind: UseKind::Lookup,
                        name: n.to_string(),
                    });
                }
            }
            _ => {}
        }
    }
    out
}

/// Whether the string token at `i` is the value of a `related_name=` or `related_query_name=`
/// keyword.
fn declares_reverse_name(
    source: &str,
    tokens: &[&ruff_python_ast::token::Token],
    i: usize,
) -> bool {
    use ruff_python_ast::token::TokenKind;
    let Some(at) = i.checked_sub(2) else {
        return false;
    };
    let (name, eq) = (tokens[at], tokens[at + 1]);
    let span = span_of(name);
    name.kind() == TokenKind::Name
        && eq.kind() == TokenKind::Equal
        && matches!(
            &source[span.start as usize..span.end as usize],
            "related_name" | "related_query_name"
        )
        && at
            .checked_sub(1)
            .is_some_and(|p| matches!(tokens[p].kind(), TokenKind::Lpar | TokenKind::Comma))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_with_field_call_is_converted() {
        let src = "class A(B, metaclass=M):\n    x: int = models.F('a', k=\"v\")\n";
        let m = parse(src);
        assert!(m.errors.is_empty());
        let Stmt::Class(c) = &m.body[0] else {
            panic!("expected a class")
        };
        assert_eq!(c.name, "A");
        assert_eq!(c.bases[0].dotted().as_deref(), Some("B"));
        assert_eq!(c.keywords[0].arg.as_deref(), Some("metaclass"));
        let Stmt::Assign {
            value: Some(v),
            annotation: Some(_),
            ..
        } = &c.body[0]
        else {
            panic!("expected an annotated assignment")
        };
        let kw = v.keyword("k").expect("keyword k");
        assert_eq!(kw.value.as_str(), Some("v"));
        assert_eq!(
            &src[kw.value.span.start as usize..kw.value.span.end as usize],
            "\"v\""
        );
    }

    #[test]
    fn an_outline_keeps_everything_but_function_bodies() {
        let src = "import os\n\nclass A(B):\n    x = f(y=1)\n\n    @property\n    def p(self):\n        z = 1\n        return z +\n\ndef g():\n    pass\n";
        let full = parse(src);
        let outline = parse_outline(src);
        // The syntax error inside `p`'s body is not read by an outline.
        assert_eq!(full.errors.len(), 1);
        assert!(outline.errors.is_empty());
        // One outside the bodies is, with the real text's message and place.
        let broken = format!("{src}x = (\n");
        assert_eq!(parse_outline(&broken).errors, parse(&broken).errors);
        assert!(!parse_outline(&broken).errors.is_empty());
        let bodies = |m: &Module| -> Vec<usize> {
            let mut n = Vec::new();
            for_each_stmt(&m.body, |s| {
                if let Stmt::Function(f) = s {
                    n.push(f.body.len());
                }
            });
            n
        };
        assert_eq!(bodies(&full), vec![1, 0]);
        assert_eq!(bodies(&outline), vec![0, 0]);
        // Everything else is the same: with the bodies emptied, the two modules are equal.
        let mut emptied = full.clone();
        fn empty(body: &mut [Stmt]) {
            for s in body {
                match s {
                    Stmt::Function(f) => f.body.clear(),
                    Stmt::Class(c) => empty(&mut c.body),
                    _ => {}
                }
            }
        }
        empty(&mut emptied.body);
        assert_eq!(
            without_bodies_and_ends(emptied.body),
            without_bodies_and_ends(outline.body)
        );
    }

    /// With the bodies emptied and the function and class spans' ends set aside, the outline of
    /// the blanked text is the parse of the real text. Over every `.py` file of `fixtures/` and
    /// `tests/` (1,250 files), and of the directories in `DML_OUTLINE_CORPUS` (`:`-separated;
    /// `bench/corpus/src` and `bench/out/dot` hold 39,000 real files, CPython's stdlib 12,000):
    /// `DML_OUTLINE_CORPUS=… cargo test --release outline -- --nocapture`.
    #[test]
    fn the_outline_of_blanked_bodies_is_the_real_outline_over_a_corpus() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let extra = std::env::var("DML_OUTLINE_CORPUS").unwrap_or_default();
        let (mut files, mut blanked, mut body_errors_only) = (0, 0, 0);
        let mut stack: Vec<std::path::PathBuf> = [root.join("fixtures"), root.join("tests")]
            .into_iter()
            .chain(extra.split(':').filter(|d| !d.is_empty()).map(Into::into))
            .collect();
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    // Not the oracle's virtualenvs (`tests/oracle/.venvs`, built by CI later).
                    if !entry.file_name().to_string_lossy().starts_with('.') {
                        stack.push(path);
                    }
                    continue;
                }
                if path.extension().is_none_or(|e| e != "py") {
                    continue;
                }
                let Ok(src) = std::fs::read_to_string(&path) else {
                    continue;
                };
                files += 1;
                blanked += usize::from(crate::blank_bodies::blank_function_bodies(&src).is_some());
                let full = parse(&src);
                let outline = parse_outline(&src);
                if outline.errors.is_empty() && !full.errors.is_empty() {
                    // Errors only inside function bodies: not reported, by design.
                    body_errors_only += 1;
                    continue;
                }
                assert_eq!(full.errors, outline.errors, "{}", path.display());
                assert_eq!(
                    without_bodies_and_ends(full.body),
                    without_bodies_and_ends(outline.body),
                    "{}",
                    path.display()
                );
            }
        }
        eprintln!(
            "{files} files, {blanked} blanked, {body_errors_only} with errors only in bodies"
        );
        assert!(
            files > 1000,
            "only {files} files read under {}",
            root.display()
        );
        assert!(blanked > 100, "only {blanked} files had a body blanked");
    }

    fn without_bodies_and_ends(mut body: Vec<Stmt>) -> Vec<Stmt> {
        fn strip(body: &mut [Stmt]) {
            for s in body {
                match s {
                    Stmt::Function(f) => {
                        f.body.clear();
                        f.span = Span::default();
                    }
                    Stmt::Class(c) => {
                        c.span = Span::default();
                        strip(&mut c.body);
                    }
                    Stmt::Block(inner) => strip(inner),
                    Stmt::If { arms, .. } => arms.iter_mut().for_each(|a| strip(a)),
                    _ => {}
                }
            }
        }
        strip(&mut body);
        body
    }

    #[test]
    fn modern_syntax_parses() {
        for src in [
            "x = f\"{d[\"k\"]!r:>{w}}\"\n",
            "type X[T = int] = list[T]\n",
            "def f[T: int, *Ts, **P](): pass\n",
            "try:\n    pass\nexcept A, B:\n    pass\n",
            "t = t\"hello {name}\"\n",
            "match x:\n    case [1, *rest]:\n        pass\n",
        ] {
            assert!(parse(src).errors.is_empty(), "{src}");
        }
    }

    #[test]
    fn syntax_errors_keep_a_partial_module() {
        let m = parse("import os\ndef f(:\n    pass\nclass A: pass\n");
        assert!(!m.errors.is_empty());
        assert!(
            m.body
                .iter()
                .any(|s| matches!(s, Stmt::Class(c) if c.name == "A"))
        );
    }

    #[test]
    fn name_uses_find_accessors_lookups_and_strings_only() {
        let src = "t.old_rt\nq = X.objects.filter(old_rt__isnull=True, old_rt=None)\nX.objects.select_related('old_rt')\ny = \"old_rt__expires\"\n# old_rt in a comment\nold_rt_count = 1\nz = f'{t.old_rt}'\nw = 'the old_rt'\nv = f'old_rt__{x}'\n";
        let uses = name_uses(src, &["old_rt"]);
        let kinds: Vec<_> = uses.iter().map(|u| u.kind).collect();
        assert_eq!(
            kinds,
            [
                UseKind::Attribute,
                UseKind::Keyword,
                UseKind::Keyword,
                UseKind::Lookup,
                UseKind::Lookup,
                UseKind::Attribute,
                UseKind::Dynamic
            ]
        );
        for u in &uses {
            assert_eq!(&src[u.span.start as usize..u.span.end as usize], "old_rt");
        }
    }

    #[test]
    fn reverse_name_declarations_are_not_uses() {
        let src = "a = F(related_name=\"rt\")\nb = F(x, related_query_name='rt')\nclass Meta:\n    default_related_name = \"rt\"\nq = X.objects.filter(x='rt')\n";
        let uses = name_uses(src, &["rt"]);
        let lines: Vec<usize> = uses
            .iter()
            .map(|u| src[..u.span.start as usize].matches('\n').count())
            .collect();
        assert_eq!(lines, [3, 4], "{uses:?}");
    }

    #[test]
    fn deep_brackets_are_refused_without_parsing() {
        let src = format!("x = {}1{}\n", "(".repeat(100_000), ")".repeat(100_000));
        let m = parse(&src);
        assert_eq!(m.errors.len(), 1);
        assert!(m.errors[0].message.contains("nested"));
        assert_eq!(m.errors[0].span.start, 4 + MAX_BRACKET_DEPTH as u32);
    }

    #[test]
    fn brackets_in_strings_and_comments_do_not_count() {
        let src = format!(
            "x = '{}'  # {}\ny = \"\"\"{}\"\"\"\n",
            "(".repeat(500),
            "[".repeat(500),
            "{".repeat(500)
        );
        assert!(excessive_nesting(&src).is_none());
    }

    #[test]
    fn a_triple_quoted_string_ends_at_its_own_quotes_only() {
        // An escaped quote, the other quote and a lone quote stay inside; the brackets after
        // the string's end count.
        let inside = format!("a \\\"\"\" ' \" {} \"\"", "(".repeat(300));
        let src = format!("x = \"\"\"{inside}\"\"\"\ny = {}1", "(".repeat(201));
        let after = src.find("y = ").unwrap() + 4;
        assert_eq!(
            excessive_nesting(&src),
            Some((after + MAX_BRACKET_DEPTH) as u32)
        );
        let unterminated = format!("x = '''{}", "(".repeat(300));
        assert!(excessive_nesting(&unterminated).is_none());
    }
}
