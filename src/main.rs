//! The command line (the only user of clap): arguments → options → check → report → exit code.
//! Exit codes as ruff: 0 nothing reported, 1 diagnostics reported, 2 the run could not proceed.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use django_model_lint::contract::Version;
use django_model_lint::report::{self, Format};
use django_model_lint::rules::RULES;
use django_model_lint::{Options, check_paths};

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
            let result = match check_paths(&paths, &options) {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(2);
                }
            };
            let format = match output_format {
                OutputFormat::Full => Format::Full,
                OutputFormat::Concise => Format::Concise,
                OutputFormat::Json => Format::Json,
            };
            let cwd = std::env::current_dir().unwrap_or_default();
            let stdout = std::io::stdout();
            let color = stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none();
            let mut out = stdout.lock();
            if report::render(&mut out, &result.diagnostics, format, &cwd, color)
                .and_then(|()| out.flush())
                .is_err()
            {
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
