//! The command line (the only user of clap): arguments → options → check → report → exit code.
//! Exit codes as ruff: 0 nothing reported, 1 diagnostics reported, 2 the run could not proceed.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use django_model_lint::contract::Version;
use django_model_lint::diagnostic::Applicability;
use django_model_lint::report::{self, Format};
use django_model_lint::rules::RULES;
use django_model_lint::{FixSummary, Options, check_paths, fix, fix_paths};

#[derive(Parser)]
#[command(
    name = "django-model-lint",
    version,
    about = "Static checks of Django models against django-oauth-toolkit's contract for swapped models"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum OutputFormat {
    Full,
    Concise,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Check Python files and directories (default: the current directory).
    Check {
        /// Files or directories to check.
        paths: Vec<PathBuf>,
        /// How to print diagnostics.
        #[arg(long, value_enum, default_value = "full")]
        output_format: OutputFormat,
        /// The Django settings module (dotted path), instead of the one manage.py names.
        #[arg(long)]
        settings: Option<String>,
        /// The django-oauth-toolkit version to check against, instead of the pinned one.
        #[arg(long, value_parser = parse_version)]
        dot_version: Option<Version>,
        /// Glob of files or directories to skip (repeatable).
        #[arg(long)]
        exclude: Vec<String>,
        /// Apply safe fixes (and unsafe ones with --unsafe-fixes), then report what remains.
        #[arg(long)]
        fix: bool,
        /// Include unsafe fixes (they change migration state or names your code may use).
        #[arg(long)]
        unsafe_fixes: bool,
        /// Print a unified diff of the fixes instead of writing them (exit 1 when there are any).
        #[arg(long, conflicts_with = "fix")]
        diff: bool,
        /// List the fixes applied by --fix.
        #[arg(long)]
        show_fixes: bool,
    },
    /// Print a rule's documentation, or the table of rules.
    Rule {
        /// A rule code such as DOT001.
        code: Option<String>,
        /// List every rule.
        #[arg(long, conflicts_with = "code")]
        all: bool,
    },
}

/// ruff's wording: what was fixed, and what more `--fix` / `--unsafe-fixes` would do.
fn fix_footer(
    out: &mut dyn Write,
    diagnostics: &[django_model_lint::diagnostic::Diagnostic],
    fixed: Option<&FixSummary>,
    unsafe_fixes: bool,
    show_fixes: bool,
    cwd: &std::path::Path,
) -> std::io::Result<()> {
    if let Some(summary) = fixed {
        let n: usize = summary.fixed.iter().map(|(_, c)| c.len()).sum();
        if show_fixes {
            for (path, codes) in &summary.fixed {
                writeln!(
                    out,
                    "Fixed in {}: {}",
                    report::display_path(path, cwd),
                    codes.join(", ")
                )?;
            }
        }
        for skipped in &summary.skipped {
            writeln!(out, "warning: {skipped}")?;
        }
        if n > 0 {
            writeln!(
                out,
                "Fixed {n} diagnostic{}. Run `python manage.py makemigrations`: these fixes change migration state.",
                if n == 1 { "" } else { "s" }
            )?;
        }
    }
    let safe = diagnostics
        .iter()
        .filter(|d| fix::applicable(d, Applicability::Safe))
        .count();
    let unsafe_only = diagnostics
        .iter()
        .filter(|d| fix::applicable(d, Applicability::Unsafe))
        .count()
        - safe;
    if safe > 0 && fixed.is_none() {
        writeln!(out, "[*] {safe} fixable with the `--fix` option.")?;
    }
    if unsafe_only > 0 && !unsafe_fixes {
        writeln!(
            out,
            "{unsafe_only} hidden fix{} can be enabled with the `--unsafe-fixes` option.",
            if unsafe_only == 1 { "" } else { "es" }
        )?;
    }
    Ok(())
}

fn run_diff(
    paths: &[PathBuf],
    options: &Options,
    level: Applicability,
    cwd: &std::path::Path,
) -> ExitCode {
    let result = match check_paths(paths, options) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let planned = fix::plan(&result.diagnostics, level);
    let mut out = std::io::stdout().lock();
    for f in &planned {
        if write!(out, "{}", fix::diff(f, cwd)).is_err() {
            return ExitCode::from(2);
        }
    }
    let n: usize = planned.iter().map(|f| f.codes.len()).sum();
    let _ = writeln!(
        out,
        "\nWould fix {n} diagnostic{}.",
        if n == 1 { "" } else { "s" }
    );
    if planned.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn parse_version(s: &str) -> Result<Version, String> {
    Version::parse(s).ok_or_else(|| format!("`{s}` is not a version such as 3.4.1"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check {
            paths,
            output_format,
            settings,
            dot_version,
            exclude,
            fix,
            unsafe_fixes,
            diff,
            show_fixes,
        } => {
            let paths = if paths.is_empty() {
                vec![PathBuf::from(".")]
            } else {
                paths
            };
            let options = Options {
                settings,
                dot_version,
                exclude,
            };
            let level = if unsafe_fixes {
                Applicability::Unsafe
            } else {
                Applicability::Safe
            };
            let cwd = std::env::current_dir().unwrap_or_default();
            if diff {
                return run_diff(&paths, &options, level, &cwd);
            }
            let (result, fixed) = if fix {
                match fix_paths(&paths, &options, level) {
                    Ok((r, s)) => (r, Some(s)),
                    Err(e) => {
                        eprintln!("error: {e}");
                        return ExitCode::from(2);
                    }
                }
            } else {
                match check_paths(&paths, &options) {
                    Ok(r) => (r, None),
                    Err(e) => {
                        eprintln!("error: {e}");
                        return ExitCode::from(2);
                    }
                }
            };
            let format = match output_format {
                OutputFormat::Full => Format::Full,
                OutputFormat::Concise => Format::Concise,
                OutputFormat::Json => Format::Json,
            };
            let stdout = std::io::stdout();
            let color = stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none();
            let mut out = stdout.lock();
            let rendered = report::render(&mut out, &result.diagnostics, format, &cwd, color)
                .and_then(|()| match format {
                    Format::Json => Ok(()),
                    _ => fix_footer(
                        &mut out,
                        &result.diagnostics,
                        fixed.as_ref(),
                        unsafe_fixes,
                        show_fixes,
                        &cwd,
                    ),
                })
                .and_then(|()| out.flush());
            if rendered.is_err() {
                return ExitCode::from(2);
            }
            if result.diagnostics.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Command::Rule { code, all } => match code {
            Some(code) if !all => match RULES.iter().find(|r| r.code.eq_ignore_ascii_case(&code)) {
                Some(rule) => {
                    print!("{}", rule.doc);
                    ExitCode::SUCCESS
                }
                None => {
                    eprintln!(
                        "error: unknown rule `{code}`; `django-model-lint rule --all` lists them"
                    );
                    ExitCode::from(2)
                }
            },
            _ => {
                println!("{:<7} {:<31} {:<8} summary", "code", "name", "severity");
                for r in RULES {
                    println!(
                        "{:<7} {:<31} {:<8} {}",
                        r.code,
                        r.name,
                        r.severity.as_str(),
                        r.summary
                    );
                }
                ExitCode::SUCCESS
            }
        },
    }
}
