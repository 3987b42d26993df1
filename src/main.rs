//! The command line (the only user of clap): arguments → options → check → report → exit code.
//! Exit codes as ruff: 0 nothing reported, 1 diagnostics reported, 2 the run could not proceed.
//!
//! Nothing here uses `print!` / `println!` / `eprintln!`, which panic when their stream is
//! closed: output goes through a [`Sink`], and a reader that goes away (`| head -1`) ends the
//! output quietly with the exit code the run would have had.

// On Linux with glibc the process starts at `main` below, not at the standard library's
// runtime entry (see `main`).
#![cfg_attr(all(target_os = "linux", target_env = "gnu", not(test)), no_main)]

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use django_model_lint::contract::Version;
use django_model_lint::diagnostic::Applicability;
use django_model_lint::report::{self, Format};
use django_model_lint::rules::RULES;
use django_model_lint::{FixSummary, Options, check_paths, config, fix, fix_paths};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc reads its options from the environment as the program is loaded (its constructor):
/// for each of its forty-odd options it scans every variable, comparing names without regard
/// to case, about a tenth of the instructions of a run on an empty directory (issue 13). The
/// environment is hidden from it, an empty list in its place, from a constructor that runs
/// before it (priority 100: prioritised constructors run before the others) until `main` puts
/// it back first thing: its options keep their defaults, whatever `MIMALLOC_*` variables say.
/// Nothing else reads the environment in between: glibc's own constructors ran before the
/// program's, the standard library's (which records the arguments) is at priority 99, and
/// the rest of the program starts at `main`.
#[cfg(all(target_os = "linux", target_env = "gnu", not(test)))]
mod allocator_options_not_from_environment {
    use libc::c_char;

    unsafe extern "C" {
        static mut environ: *mut *mut c_char;
    }

    /// The environment while hidden.
    static mut SAVED: *mut *mut c_char = std::ptr::null_mut();
    /// What the allocator sees: a list with no variable.
    static mut NONE: [*mut c_char; 1] = [std::ptr::null_mut()];

    #[used]
    #[unsafe(link_section = ".init_array.00100")]
    static HIDE: extern "C" fn() = hide;

    extern "C" fn hide() {
        // SAFETY: the loader runs constructors on one thread, before `main`: nothing else reads
        // or writes `environ` meanwhile, and `show` puts the saved list back.
        unsafe {
            SAVED = environ;
            environ = (&raw mut NONE).cast();
        }
    }

    /// Puts the environment back; called first by `main`, before any thread is started.
    pub fn show() {
        // SAFETY: one thread, as in `hide`; a list not hidden (`SAVED` null) is left alone.
        unsafe {
            if !SAVED.is_null() {
                environ = SAVED;
                SAVED = std::ptr::null_mut();
            }
        }
    }
}

#[derive(Parser)]
#[command(
    name = "django-model-lint",
    version,
    about = "Static checks of Django models: Django's own model checks, and the contracts of the libraries whose models a project swaps or writes"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, ValueEnum)]
enum OutputFormat {
    Full,
    Concise,
    Json,
    JsonLines,
    Github,
    Gitlab,
    Junit,
    Sarif,
}

// `Check` carries every flag; the enum is built once per run, so its size does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, PartialEq, Subcommand)]
enum Command {
    /// Check Python files and directories (default: the current directory).
    Check {
        /// Files or directories to check.
        paths: Vec<PathBuf>,
        /// How to print diagnostics [default: full, or `output-format` from the configuration].
        #[arg(long, value_enum)]
        output_format: Option<OutputFormat>,
        /// The Django settings module (dotted path), instead of the one manage.py names.
        #[arg(long)]
        settings: Option<String>,
        /// The django-oauth-toolkit version to check against, instead of the pinned one.
        #[arg(long, value_parser = parse_version)]
        dot_version: Option<Version>,
        /// Globs of files or directories to skip, replacing the configuration's `exclude`.
        #[arg(long, value_delimiter = ',')]
        exclude: Option<Vec<String>>,
        /// Globs to skip in addition to `exclude`.
        #[arg(long, value_delimiter = ',')]
        extend_exclude: Option<Vec<String>>,
        /// Rule codes or prefixes to report (default: all).
        #[arg(long, value_delimiter = ',')]
        select: Option<Vec<String>>,
        /// Rule codes or prefixes to add to the selection.
        #[arg(long, value_delimiter = ',')]
        extend_select: Option<Vec<String>>,
        /// Rule codes or prefixes not to report.
        #[arg(long, value_delimiter = ',')]
        ignore: Option<Vec<String>>,
        /// A configuration file (pyproject.toml or django-model-lint.toml) instead of the nearest.
        #[arg(long, conflicts_with = "isolated")]
        config: Option<PathBuf>,
        /// Ignore all configuration files.
        #[arg(long)]
        isolated: bool,
        /// Read the file's content from stdin and report it under this path (for editors).
        #[arg(long)]
        stdin_filename: Option<PathBuf>,
        /// Print the resolved project (root, settings, active models, DOT version) and exit.
        #[arg(long)]
        show_settings: bool,
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
        /// Add `# noqa: CODE` comments on the lines of the current diagnostics.
        #[arg(long, conflicts_with_all = ["fix", "diff"])]
        add_noqa: bool,
        /// Write the report to this file instead of stdout.
        #[arg(long, short = 'o')]
        output_file: Option<PathBuf>,
        /// Exit with status 0 even when diagnostics are reported.
        #[arg(long)]
        exit_zero: bool,
        /// Print the number of diagnostics per rule instead of the diagnostics.
        #[arg(long)]
        statistics: bool,
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

/// A line on stderr. A closed stderr is not worth a panic: the line is dropped.
macro_rules! warn {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}

/// Where output goes (stdout or `--output-file`), remembering whether its reader went away:
/// a closed pipe (`| head`, `| grep -m1`, a pager quit early) is the reader's choice, not an
/// error, whatever the writer above (a renderer, serde_json) turned the error into.
struct Sink<W: Write> {
    inner: W,
    closed: bool,
}

impl<W: Write> Sink<W> {
    fn new(inner: W) -> Sink<W> {
        Sink {
            inner,
            closed: false,
        }
    }

    /// The exit code once `written` (everything written, flushed) is known: `code` when the
    /// output was written or its reader closed it early, else 2 with the error on stderr.
    fn finish(mut self, written: io::Result<()>, code: u8, target: &str) -> u8 {
        let written = written.and_then(|()| self.flush());
        match written {
            Err(_) if self.closed => code,
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => code,
            Err(e) => {
                warn!("error: cannot write {target}: {e}");
                ERROR
            }
            Ok(()) => code,
        }
    }

    fn note(&mut self, result: &io::Result<impl Sized>) {
        if let Err(e) = result {
            self.closed |= e.kind() == io::ErrorKind::BrokenPipe;
        }
    }
}

impl<W: Write> Write for Sink<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let result = self.inner.write(buf);
        self.note(&result);
        result
    }

    fn flush(&mut self) -> io::Result<()> {
        let result = self.inner.flush();
        self.note(&result);
        result
    }
}

/// Standard output, locked once for the whole run.
fn stdout() -> Sink<io::StdoutLock<'static>> {
    Sink::new(io::stdout().lock())
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
            let migrations = summary.changes_migrations();
            writeln!(
                out,
                "Fixed {n} diagnostic{}.{}",
                if n == 1 { "" } else { "s" },
                if migrations {
                    " Run `python manage.py makemigrations`: these fixes change migration state."
                } else {
                    ""
                }
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
    exit_zero: bool,
) -> u8 {
    let result = match check_paths(paths, options) {
        Ok(r) => r,
        Err(e) => {
            warn!("error: {e}");
            return ERROR;
        }
    };
    let planned = fix::plan(&result.diagnostics, level);
    // As ruff: 1 when there is something to fix, unless --exit-zero.
    let code = if planned.is_empty() || exit_zero {
        SUCCESS
    } else {
        FOUND
    };
    let mut out = stdout();
    let written = (|| {
        for f in &planned {
            write!(out, "{}", fix::diff(f, cwd))?;
        }
        let n: usize = planned.iter().map(|f| f.codes.len()).sum();
        writeln!(
            out,
            "\nWould fix {n} diagnostic{}.",
            if n == 1 { "" } else { "s" }
        )
    })();
    out.finish(written, code, "to stdout")
}

/// `--output-file`: created with its missing parent directories, as ruff does.
fn open_output(path: &std::path::Path) -> std::io::Result<std::fs::File> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::File::create(path)
}

fn parse_version(s: &str) -> Result<Version, String> {
    Version::parse(s).ok_or_else(|| format!("`{s}` is not a version such as 3.4.1"))
}

#[cfg(any(test, not(all(target_os = "linux", target_env = "gnu"))))]
fn main() {
    exit_now(run())
}

/// The process's entry on Linux with glibc, called by the C runtime. The standard library's
/// own entry, which this replaces, prepares the stack-overflow report: glibc finds the main
/// thread's stack by reading and parsing `/proc/self/maps`, and every thread then gets a signal
/// stack of its own. That was about a tenth of a small run (issue 13; alternating runs, ours
/// against the standard entry: an empty directory 0.87, allianceauth-oidc-provider 0.88,
/// ephios and aleksis-core 0.93). The price: a stack overflow ends the process with `SIGSEGV`
/// and no message (the workers parse on 1 GiB stacks, see `syntax::PARSE_STACK`). What else
/// that entry does and a command line tool needs is done here: the standard streams are open,
/// `SIGPIPE` is ignored (a closed reader is an error the output handles, `Sink`), and a panic
/// ends the run with exit code 101. Arguments reach `std::env::args` without it: the standard
/// library reads them from glibc when the program is loaded.
#[cfg(all(target_os = "linux", target_env = "gnu", not(test)))]
#[unsafe(no_mangle)]
extern "C" fn main(_argc: libc::c_int, _argv: *const *const libc::c_char) -> libc::c_int {
    allocator_options_not_from_environment::show();
    standard_streams_open();
    // SAFETY: sets the disposition of one signal to "ignore", before any thread is started.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
    }
    one_libc_arena();
    memory_on_small_pages();
    django_model_lint::place_workers_with(worker_on_its_own_processor::<()>);
    if let Some((cpus, _)) = placement() {
        django_model_lint::size_pool(cpus.len());
    }
    // The panic's message is printed by the default hook, as under the standard entry.
    match std::panic::catch_unwind(run) {
        Ok(code) => exit_now(code),
        Err(_) => exit_now(101),
    }
}

/// Keeps each worker of the pool on a processor of its own (the first on the processor after
/// the main thread's, the next ones round those the process may use: `processor_for`), set by
/// the main thread as it starts the worker. A check forks its work at a few points (the
/// settings beside the model modules, the parses beside the imports followed), and a fork is
/// only as fast as the moment the other worker picks its half up. Left to the scheduler, the
/// benchmark machine's kernel (a virtual machine's, which packs busy threads onto as few
/// virtual processors as it can: `sched_vcpu_pack`) often left the second worker queued or
/// asleep while the other processor stayed idle: in about half the runs on ephios and
/// aleksis-core the forking worker did both halves, one after the other, 0.6-2 ms later (a
/// tracer's timings, issue 13); pinned, every half was picked up within microseconds. The
/// processors are those the process was started with (`taskset`, a container's `cpuset`);
/// with only one, nothing is pinned. The price: a worker cannot leave a processor that another
/// program keeps busy; the other worker then steals its share of the work (rayon's stealing),
/// which bounds the cost over a run of milliseconds.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn worker_on_its_own_processor<T>(thread: &std::thread::JoinHandle<T>, index: usize) {
    use std::os::unix::thread::JoinHandleExt;
    let Some((cpus, here)) = placement() else {
        return;
    };
    let cpu = processor_for(cpus, here, index);
    // SAFETY: a zeroed set with one bit set; the thread is alive (its handle is held, and a
    // pool's worker runs until the process ends), so its `pthread_t` is valid.
    unsafe {
        let mut one: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(cpu, &mut one);
        libc::pthread_setaffinity_np(
            thread.as_pthread_t(),
            std::mem::size_of::<libc::cpu_set_t>(),
            &one,
        );
    }
}

/// Keeps the main thread on the processor it runs on once the first worker is started (that
/// worker went to another, `worker_on_its_own_processor`); if the main thread is on the
/// worker's processor by then, it is left free. The benchmark machine's kernel otherwise moved
/// it onto the worker's processor, where it waited for the walk it was meant to run beside;
/// pinned back to the processor it had started on, the migration took 1.1-1.3 ms in half the
/// runs (issue 13). The workers started later, when the main thread waits, share its
/// processor. Called once the first worker has started, and after the CPU quota is read (the
/// standard library counts the processors of the calling thread).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn main_stays_on_its_processor() {
    let Some((cpus, here)) = placement() else {
        return;
    };
    // SAFETY: `sched_getcpu` only reads the processor the calling thread runs on.
    let now = usize::try_from(unsafe { libc::sched_getcpu() }).ok();
    let Some(cpu) = now.filter(|&c| c != processor_for(cpus, here, 0)) else {
        return;
    };
    // SAFETY: a zeroed set with one bit set, for the calling thread (`0`).
    unsafe {
        let mut one: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(cpu, &mut one);
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &one);
    }
}

/// The processors the process may use (two or more, else `None`: nothing is pinned) and the
/// one the main thread was on when it first asked (the first worker's start), read once: the
/// main thread may run on a single one of them afterwards.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn placement() -> Option<(&'static [usize], Option<usize>)> {
    static PLACEMENT: std::sync::OnceLock<Option<(Vec<usize>, Option<usize>)>> =
        std::sync::OnceLock::new();
    PLACEMENT
        .get_or_init(|| {
            let cpus = allowed_processors().filter(|cpus| cpus.len() >= 2)?;
            // SAFETY: `sched_getcpu` only reads the processor the calling thread runs on.
            let here = usize::try_from(unsafe { libc::sched_getcpu() }).ok();
            let here = here.filter(|h| cpus.contains(h));
            Some((cpus, here))
        })
        .as_ref()
        .map(|(cpus, here)| (cpus.as_slice(), *here))
}

/// Whether a CPU quota could hold back more than one of the pool's workers: the pool was sized
/// here by more than two processors. A pool sized by rayon (fewer than two processors, or their
/// list unknown, or another system) counted the quota already.
fn quota_may_matter() -> bool {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    return placement().is_some_and(|(cpus, _)| cpus.len() > 2);
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    false
}

/// The processors the calling thread may run on, in order.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn allowed_processors() -> Option<Vec<usize>> {
    // SAFETY: `cpu_set_t` is a plain bit array, valid when zeroed; `sched_getaffinity` writes at
    // most its size into it; `CPU_ISSET` reads one bit of it, for indices below `CPU_SETSIZE`.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        if libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) != 0 {
            return None;
        }
        Some(
            (0..libc::CPU_SETSIZE as usize)
                .filter(|&cpu| libc::CPU_ISSET(cpu, &set))
                .collect(),
        )
    }
}

/// The processor of `cpus` for worker `index`: the first worker on the one after the starting
/// thread's (`here`), which is free to run it at once, the next ones round the list from there.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn processor_for(cpus: &[usize], here: Option<usize>, index: usize) -> usize {
    let at = here
        .and_then(|h| cpus.iter().position(|&c| c == h))
        .unwrap_or(cpus.len() - 1);
    cpus[(at + 1 + index) % cpus.len()]
}

/// A standard stream closed by the caller is opened on `/dev/null`, as the standard library's
/// entry does: otherwise the first file the run opens would take its number, and output meant
/// for standard output could be written into it.
#[cfg(all(target_os = "linux", target_env = "gnu", not(test)))]
fn standard_streams_open() {
    for fd in 0..=2 {
        // SAFETY: `fcntl(F_GETFD)` only asks whether the descriptor is open; `open` takes a
        // NUL-terminated path literal. No Rust object owns these descriptors.
        unsafe {
            if libc::fcntl(fd, libc::F_GETFD) == -1
                && std::io::Error::last_os_error().raw_os_error() == Some(libc::EBADF)
            {
                // The lowest free number is `fd` itself: those below it are open by now.
                libc::open(c"/dev/null".as_ptr(), libc::O_RDWR);
            }
        }
    }
}

/// The process's memory on ordinary 4 KiB pages. mimalloc asks the kernel for transparent
/// huge pages on all its memory (`madvise` on its arena), and the first touch of each 2 MiB
/// of it costs the zeroing of all of it: 0.23 ms on the benchmark machine against 1.4 µs for
/// a 4 KiB page, so a region pays off only where more than about 160 of its 512 pages are
/// touched, which a run of a few milliseconds rarely does; and a huge page the kernel has to
/// assemble first (memory fragmented) took 4.8 ms once in three tries. The main thread's
/// segment alone was kept off huge pages until this round; the workers' regions hold 10-400
/// touched pages each. Issue 13, alternating runs (40 and 20 rounds) of the same binary with
/// and without huge pages: allianceauth-oidc-provider 0.85, an empty directory 0.92, ephios
/// 0.94, ephios + uv.lock 0.96, django-ansible-base 0.89, aleksis-core 0.97, aleksis-core +
/// poetry.lock 0.97, pretix 0.99; and steadier (spread of `perf stat` over 60 runs on
/// aleksis-core ±0.4 % against ±4 %). The setting is the process's (`PR_SET_THP_DISABLE`,
/// which overrides `madvise`), made before the first allocation maps the allocator's memory.
#[cfg(all(target_os = "linux", target_env = "gnu", not(test)))]
fn memory_on_small_pages() {
    // SAFETY: prctl with integer arguments, only about this process's huge pages.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// The C library's allocator (the binary's own allocations go to mimalloc; glibc allocates for
/// itself, as when a new thread looks up its stack) gives each new thread an arena of its own:
/// a 128 MiB reservation trimmed with two `munmap` and an `mprotect` at every worker's start,
/// for the few bytes glibc asks for there. One arena serves them all.
#[cfg(all(target_os = "linux", target_env = "gnu", not(test)))]
fn one_libc_arena() {
    // SAFETY: `mallopt` sets a tunable of glibc's allocator; it is called before any thread is
    // started, takes plain integers and touches no Rust-owned memory.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

/// Ends the process with `code` once standard output and error are flushed, without the exit
/// handlers: the allocator's, registered by mimalloc, returns every page it holds to the kernel
/// (ten `madvise` calls on a DOT-using project, huge pages split), which a process about to
/// exit does not need. Every file the run writes is written and closed by now: fixes are
/// renamed into place, `--output-file` is flushed by `Sink::finish`.
fn exit_now(code: u8) -> ! {
    // Best effort, as at a normal exit: a closed stream has nothing more to lose.
    let _ = io::stdout().flush();
    let _ = io::stderr().flush();
    // SAFETY: `_exit` only ends the process; nothing of this process runs after it, so no
    // Rust invariant can be observed broken.
    unsafe { libc::_exit(i32::from(code)) }
}

/// "Not checked:" lines of the closing summary, one per path given, for a run that looked at
/// nothing under them.
fn not_checked(paths: &[PathBuf], reason: &str) -> Vec<(PathBuf, String)> {
    paths
        .iter()
        .map(|p| {
            (
                std::path::absolute(p).unwrap_or_else(|_| p.clone()),
                reason.to_string(),
            )
        })
        .collect()
}

/// A command line that is `check`, paths and at most one output format (the forms pre-commit
/// hooks, editors and scripts mostly use), read without clap; `None` for any other line, which
/// clap reads. Its walk starts at once (the walk is what the check waits for first), and clap's
/// parse, 0.09 ms on a small project's way to the check, is skipped: the reading is clap's for
/// such a line (the paths as given, the format one of its names, case included, given once;
/// a line clap would refuse, such as a value clap does not know or a flag given twice, is left
/// to clap and its error). Were the walk's inputs ever to differ from the check's, nothing
/// would be wrong, only slower: the check takes a walk only of its own inputs and exclusions
/// (`take_early_walk`). Issue 13, alternating runs: starting the walk so, ephios 0.94,
/// aleksis-core 0.95, allianceauth-oidc-provider 0.92; skipping clap too, allianceauth
/// 0.93 (both orders), an empty directory 0.90-0.91, ephios 0.96-0.98.
fn plain_check() -> Option<Cli> {
    let cli = plain_check_line(std::env::args_os().skip(1))?;
    if let Command::Check { paths, .. } = &cli.command {
        let walk: Vec<PathBuf> = if paths.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            paths.clone()
        };
        django_model_lint::start_walk(&walk, &[]);
    }
    Some(cli)
}

/// [`plain_check`]'s reading of the arguments after the program's name.
fn plain_check_line(args: impl IntoIterator<Item = std::ffi::OsString>) -> Option<Cli> {
    let mut args = args.into_iter();
    if args.next()? != "check" {
        return None;
    }
    let mut paths: Vec<PathBuf> = Vec::new();
    let mut output_format: Option<OutputFormat> = None;
    while let Some(arg) = args.next() {
        let value = match arg.as_encoded_bytes() {
            b"--output-format" => args.next()?,
            b if b.starts_with(b"--output-format=") => {
                arg.to_str()?.strip_prefix("--output-format=")?.into()
            }
            b if b.starts_with(b"-") => return None,
            _ => {
                paths.push(PathBuf::from(arg));
                continue;
            }
        };
        if output_format.is_some() {
            return None;
        }
        output_format = Some(OutputFormat::from_str(value.to_str()?, false).ok()?);
    }
    Some(Cli {
        command: Command::Check {
            paths,
            output_format,
            settings: None,
            dot_version: None,
            exclude: None,
            extend_exclude: None,
            select: None,
            extend_select: None,
            ignore: None,
            config: None,
            isolated: false,
            stdin_filename: None,
            show_settings: false,
            fix: false,
            unsafe_fixes: false,
            diff: false,
            show_fixes: false,
            add_noqa: false,
            output_file: None,
            exit_zero: false,
            statistics: false,
        },
    })
}

/// Exit codes, as ruff's.
const SUCCESS: u8 = 0;
const FOUND: u8 = 1;
const ERROR: u8 = 2;

fn run() -> u8 {
    // The first worker starts first: its own start (its stack, its allocator heap) and the
    // walk then overlap the parse of the command line; the others start when this thread
    // waits (`start_waiting_workers`).
    django_model_lint::configure_threads();
    let plain = plain_check();
    let walking = plain.is_some();
    // The control group's CPU quota, read by the standard library's count of processors (while
    // this thread may still run on all of them; the walk has begun): it bounds the workers
    // that start later. Not read on two processors or fewer (three files, 0.045 ms on this
    // thread's way to the check): the one worker a quota could hold back then only shares it
    // with the first, the same work in the same CPU time.
    if quota_may_matter()
        && let Ok(n) = std::thread::available_parallelism()
    {
        django_model_lint::run_at_most(n.get());
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    main_stays_on_its_processor();
    let cli = plain.unwrap_or_else(Cli::parse);
    match cli.command {
        Command::Check {
            paths,
            output_format,
            settings,
            dot_version,
            exclude,
            extend_exclude,
            select,
            extend_select,
            ignore,
            config,
            isolated,
            stdin_filename,
            show_settings,
            fix,
            unsafe_fixes,
            diff,
            show_fixes,
            add_noqa,
            output_file,
            exit_zero,
            statistics,
        } => {
            let paths = match (&stdin_filename, paths.is_empty()) {
                (Some(name), _) => vec![name.clone()],
                (None, true) => vec![PathBuf::from(".")],
                (None, false) => paths,
            };
            // The walk starts while the configuration is read; the check takes it if the
            // configuration excludes nothing more than the command line does.
            if stdin_filename.is_none() && !walking {
                let cli_exclude: Vec<String> = exclude
                    .iter()
                    .chain(&extend_exclude)
                    .flatten()
                    .cloned()
                    .collect();
                django_model_lint::start_walk(&paths, &cli_exclude);
            }
            django_model_lint::warm_up(&paths);
            let flags = config::Overrides {
                config,
                isolated,
                select,
                ignore,
                extend_select,
                exclude,
                extend_exclude,
                settings,
                dot_version,
                output_format: output_format
                    .and_then(|f| f.to_possible_value())
                    .map(|v| v.get_name().to_string()),
            };
            let (mut options, format_name, _) = match config::resolve(&paths, &flags) {
                Ok(r) => r,
                Err(e) => {
                    warn!("error: {e}");
                    return ERROR;
                }
            };
            let Ok(output_format) = OutputFormat::from_str(&format_name, true) else {
                warn!("error: unknown output format `{format_name}`");
                return ERROR;
            };
            if let Some(name) = stdin_filename {
                let mut buffer = String::new();
                if let Err(e) = std::io::Read::read_to_string(&mut std::io::stdin(), &mut buffer) {
                    warn!("error: cannot read stdin: {e}");
                    return ERROR;
                }
                options.stdin = Some((name, buffer));
            }
            if show_settings {
                let mut out = stdout();
                return match django_model_lint::describe(&paths, &options) {
                    Ok(text) => {
                        let written = out.write_all(text.as_bytes());
                        out.finish(written, SUCCESS, "to stdout")
                    }
                    Err(e) => {
                        warn!("error: {e}");
                        ERROR
                    }
                };
            }
            if add_noqa {
                return match django_model_lint::add_noqa(&paths, &options) {
                    Ok((n, skipped)) => {
                        for s in skipped {
                            warn!("warning: {s}");
                        }
                        let mut out = stdout();
                        let written = writeln!(
                            out,
                            "Added {n} noqa directive{}.",
                            if n == 1 { "" } else { "s" }
                        );
                        out.finish(written, SUCCESS, "to stdout")
                    }
                    Err(e) => {
                        warn!("error: {e}");
                        ERROR
                    }
                };
            }
            if fix && options.stdin.is_some() {
                warn!("error: --fix cannot be combined with --stdin-filename");
                return ERROR;
            }
            let level = if unsafe_fixes {
                Applicability::Unsafe
            } else {
                Applicability::Safe
            };
            // Formats that show no fix beyond its existence do without the edits that need a
            // scan of the whole project.
            if !(fix || diff || show_fixes || statistics)
                && matches!(
                    output_format,
                    OutputFormat::Concise
                        | OutputFormat::Github
                        | OutputFormat::Gitlab
                        | OutputFormat::Junit
                )
            {
                options.fix_details = django_model_lint::FixDetails::Summary;
            }
            let cwd = std::env::current_dir().unwrap_or_default();
            if diff {
                return run_diff(&paths, &options, level, &cwd, exit_zero);
            }
            let (result, fixed) = if fix {
                match fix_paths(&paths, &options, level) {
                    Ok((r, s)) => (r, Some(s)),
                    Err(e) => {
                        warn!("error: {e}");
                        return ERROR;
                    }
                }
            } else {
                match check_paths(&paths, &options) {
                    Ok(r) => (r, None),
                    Err(e) => {
                        warn!("error: {e}");
                        return ERROR;
                    }
                }
            };
            let format = match output_format {
                OutputFormat::Full => Format::Full,
                OutputFormat::Concise => Format::Concise,
                OutputFormat::Json => Format::Json,
                OutputFormat::JsonLines => Format::JsonLines,
                OutputFormat::Github => Format::Github,
                OutputFormat::Gitlab => Format::Gitlab,
                OutputFormat::Junit => Format::Junit,
                OutputFormat::Sarif => Format::Sarif,
            };
            let (out, color, target): (Box<dyn Write>, bool, String) = match &output_file {
                Some(path) => match open_output(path) {
                    Ok(file) => (
                        Box::new(std::io::BufWriter::new(file)),
                        false,
                        path.display().to_string(),
                    ),
                    Err(e) => {
                        warn!("error: cannot write {}: {e}", path.display());
                        return ERROR;
                    }
                },
                None => (
                    Box::new(io::stdout().lock()),
                    io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
                    "to stdout".to_string(),
                ),
            };
            let mut unchecked = result.unchecked.clone();
            // No Python file under the paths: ruff's warning, and a closing line that says so
            // (ruff's "All checks passed!" would claim checks that never ran).
            if result.files == 0 && options.stdin.is_none() {
                warn!("warning: No Python files found under the given path(s)");
                // (A path that does not exist has its E902 already.)
                let existing: Vec<PathBuf> = paths.iter().filter(|p| p.exists()).cloned().collect();
                unchecked.extend(not_checked(&existing, "no Python file found here"));
            }
            // Every rule deselected (`--ignore ALL`): nothing was checked, whatever ruff says.
            if !RULES.iter().any(|r| options.selection.enabled(r.rule)) {
                warn!("warning: No rule is selected (`select`, `ignore`); nothing was checked");
                unchecked.extend(not_checked(&paths, "no rule is selected"));
            }
            let footer = report::Footer {
                unchecked,
                notes: result.notes.clone(),
                cwd: cwd.clone(),
            };
            let mut out = Sink::new(out);
            let rendered = if statistics {
                report::statistics(
                    &mut out,
                    &result.diagnostics,
                    format == Format::Json,
                    &footer,
                )
            } else {
                report::render(&mut out, &result.diagnostics, format, &cwd, color, &footer)
                    .and_then(|()| {
                        if format.is_human() {
                            fix_footer(
                                &mut out,
                                &result.diagnostics,
                                fixed.as_ref(),
                                unsafe_fixes,
                                show_fixes,
                                &cwd,
                            )
                        } else {
                            Ok(())
                        }
                    })
            };
            let code = if result.diagnostics.is_empty() || exit_zero {
                SUCCESS
            } else {
                FOUND
            };
            out.finish(rendered, code, &target)
        }
        Command::Rule { code, all } => match code {
            Some(code) if !all => match RULES.iter().find(|r| r.code().eq_ignore_ascii_case(&code))
            {
                Some(rule) => {
                    let mut out = stdout();
                    let written = out.write_all(rule.doc().as_bytes());
                    out.finish(written, SUCCESS, "to stdout")
                }
                None => {
                    warn!(
                        "error: unknown rule `{code}`; `django-model-lint rule --all` lists them"
                    );
                    ERROR
                }
            },
            _ => {
                let mut out = stdout();
                let written = (|| {
                    writeln!(
                        out,
                        "{:<7} {:<31} {:<8} summary",
                        "code", "name", "severity"
                    )?;
                    for r in RULES {
                        writeln!(
                            out,
                            "{:<7} {:<31} {:<8} {}",
                            r.code(),
                            r.name(),
                            r.severity.as_str(),
                            r.summary
                        )?;
                    }
                    Ok(())
                })();
                out.finish(written, SUCCESS, "to stdout")
            }
        },
    }
}

#[cfg(all(test, target_os = "linux", target_env = "gnu"))]
mod tests {
    fn own_processors() -> Vec<usize> {
        super::allowed_processors().expect("this thread's processors can be read")
    }

    /// A placed worker runs on one processor of those the process may use, and on no other;
    /// with a single processor, it is left as it was.
    #[test]
    fn a_worker_is_pinned_to_one_processor() {
        let allowed = own_processors();
        for index in [0, 1, 5] {
            let (go, wait) = std::sync::mpsc::channel::<()>();
            let thread = std::thread::spawn(move || {
                wait.recv().unwrap();
                own_processors()
            });
            super::worker_on_its_own_processor(&thread, index);
            go.send(()).unwrap();
            let placed = thread.join().unwrap();
            if allowed.len() < 2 {
                assert_eq!(placed, allowed);
            } else {
                assert_eq!(placed.len(), 1, "{placed:?}");
                assert!(
                    allowed.contains(&placed[0]),
                    "{placed:?} not in {allowed:?}"
                );
            }
        }
    }

    /// The main thread stays on the processor it runs on, unless that is the first worker's
    /// (then it is left free); with a single processor, it is left as it was.
    #[test]
    fn the_main_thread_stays_on_its_processor_unless_the_first_worker_has_it() {
        let allowed = own_processors();
        for _ in 0..8 {
            let placed = std::thread::spawn(|| {
                super::main_stays_on_its_processor();
                own_processors()
            })
            .join()
            .unwrap();
            match super::placement() {
                Some((cpus, here)) => {
                    assert_eq!(cpus, allowed.as_slice());
                    let first = super::processor_for(cpus, here, 0);
                    assert!(
                        placed == allowed || (placed.len() == 1 && placed[0] != first),
                        "{placed:?}, first worker on {first}, allowed {allowed:?}"
                    );
                    assert!(placed.iter().all(|c| allowed.contains(c)));
                }
                None => assert_eq!(placed, allowed),
            }
        }
    }

    /// The first worker goes to the processor after the starting thread's, the next ones round
    /// the list; a starting processor outside the list counts as the last.
    #[test]
    fn workers_go_round_the_processors_from_the_one_after_the_starting_thread() {
        let cpus = [0, 2, 5];
        let order = |here| {
            (0..4)
                .map(|i| super::processor_for(&cpus, here, i))
                .collect::<Vec<_>>()
        };
        assert_eq!(order(Some(2)), vec![5, 0, 2, 5]);
        assert_eq!(order(Some(5)), vec![0, 2, 5, 0]);
        assert_eq!(order(Some(7)), vec![0, 2, 5, 0]);
        assert_eq!(order(None), vec![0, 2, 5, 0]);
    }
}

#[cfg(test)]
mod plain_line_tests {
    use super::{Cli, plain_check_line};
    use clap::Parser;

    /// The plain reading of a `check` line is clap's, for every line it reads; a line clap
    /// refuses is left to clap.
    #[test]
    fn a_plain_check_line_reads_as_clap_reads_it() {
        let lines: &[&[&str]] = &[
            &["check"],
            &["check", "src"],
            &["check", "a.py", "b/", "check"],
            &["check", "src", "--output-format", "json"],
            &["check", "--output-format=concise", "src"],
            &["check", "--output-format", "json-lines", "x"],
            &["check", "src", "--output-format", "JSON"],
            &["check", "src", "--output-format=", "x"],
            &["check", "src", "--output-format"],
            &[
                "check",
                "--output-format",
                "json",
                "--output-format",
                "full",
            ],
            &["check", "-", "src"],
            &["check", "--", "src"],
            &["check", "src", "--fix"],
            &["check", "--select", "DOT001", "src"],
            &["rule", "DOT001"],
            &["--version"],
        ];
        let mut read = 0;
        for line in lines {
            let plain = plain_check_line(line.iter().map(|a| a.into()));
            let clap = Cli::try_parse_from(std::iter::once(&"django-model-lint").chain(*line));
            if let Some(plain) = plain {
                read += 1;
                let clap = clap.unwrap_or_else(|e| panic!("{line:?}: clap refuses it: {e}"));
                assert_eq!(plain.command, clap.command, "{line:?}");
            }
        }
        // The first six lines are plain; the others are clap's.
        assert_eq!(read, 6);
    }
}
