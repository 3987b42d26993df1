//! `--output-format json-lines`: the objects of `json`, one compact object per line (ruff's
//! `json-lines`), so a consumer can stream them.

use std::io::{self, Write};

use crate::diagnostic::Diagnostic;

pub fn render(out: &mut dyn Write, diagnostics: &[Diagnostic]) -> io::Result<()> {
    for d in diagnostics {
        serde_json::to_writer(&mut *out, &super::json::item(d)).map_err(io::Error::from)?;
        writeln!(out)?;
    }
    Ok(())
}
