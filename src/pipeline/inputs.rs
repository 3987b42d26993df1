//! Finding the inputs: the Python files under the paths given (or the `--stdin-filename`
//! buffer), grouped by the project each belongs to.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, PoisonError};

use rayon::prelude::*;

use crate::config::Options;
use crate::{discover, project};

/// The Python files under `inputs`, as the walk's listing, and the paths that could not be read;
/// with `--stdin-filename`, just that file (the buffer stands for it, and it need not exist on
/// disk), in a listing that answers nothing. `walked`: what a walk of the same inputs with the
/// same exclusions found already (see [`take_early_walk`]).
pub(crate) fn find_inputs(
    inputs: &[PathBuf],
    excludes: &discover::Excludes,
    options: &Options,
    walked: Option<discover::Discovered>,
) -> (Arc<discover::Listing>, Vec<(PathBuf, String)>) {
    match &options.stdin {
        Some((path, _)) => (
            Arc::new(discover::Listing::unwalked(vec![absolute(path)])),
            Vec::new(),
        ),
        None => {
            let found = walked.unwrap_or_else(|| discover::discover(inputs, excludes));
            let listing =
                discover::Listing::new(inputs, excludes, found.files).with_links(found.links);
            (Arc::new(listing), found.errors)
        }
    }
}

/// Starts walking `inputs` on the run's workers before the run's configuration is known, with
/// the exclusions `exclude` (the command line's): the walk and the reading of the configuration
/// (a look up the tree for its files, a pyproject.toml parse) overlap, where the walk waited for
/// it (a fifth of a small project's run, issue 13). [`take_early_walk`] gives it to the check of
/// the same inputs with the same exclusions (a configuration adding exclusions walks again);
/// nothing else depends on it. Does nothing when the globs are invalid (the check reports them)
/// or no worker could be started.
pub fn start_walk(inputs: &[PathBuf], exclude: &[String]) {
    let Ok(excludes) = discover::Excludes::new(exclude) else {
        return;
    };
    configure_threads();
    let Some(pool) = POOL.get().and_then(Option::as_ref) else {
        return;
    };
    let walk = Arc::new(EarlyWalk {
        inputs: inputs.iter().map(|p| absolute(p)).collect(),
        exclude: exclude.to_vec(),
        found: Mutex::new(None),
        ready: Condvar::new(),
    });
    *lock(&EARLY_WALK) = Some(walk.clone());
    *lock(&AFTER_WALK) = Some(Vec::new());
    pool.spawn(move || {
        // A panic is handed to the check, which resumes it (as if it had walked itself).
        let found = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            discover::discover(&walk.inputs, &excludes)
        }));
        *lock(&walk.found) = Some(found);
        walk.ready.notify_all();
        // Pushed onto this worker's own queue, which it takes from last in first: the first
        // queued is pushed last (another worker steals from the other end).
        let waiting = lock(&AFTER_WALK).take().unwrap_or_default();
        for job in waiting.into_iter().rev() {
            rayon::spawn(job);
        }
    });
}

/// Work queued for when the walk [`start_walk`] began has ended (`None`: no walk is under way,
/// work is queued at once; see [`after_walk`]).
type Job = Box<dyn FnOnce() + Send>;
static AFTER_WALK: Mutex<Option<Vec<Job>>> = Mutex::new(None);

/// What the pool's second worker does first, as it starts, before it takes any of the pool's
/// work: the lock files' read ([`warm_up`]). Queued after the walk (see [`after_walk`]), it
/// started only once the walk had ended, and the check's version detection waited for it (the
/// 824 KB uv.lock of ephios is read and indexed in 0.5 ms); queued at once, the walking worker
/// could take it up inside the walk and hold the walk back. If that worker never starts (a CPU
/// quota of one), the files are read when the check asks for them.
static SECOND_WORKER_FIRST: Mutex<Option<Job>> = Mutex::new(None);

/// Queues `job` on the pool once the walk under way (if any) has ended. A worker that waits for
/// a part of the walk another took up runs whatever work is queued meanwhile: the embedded
/// data's parse (0.2 ms), taken up so inside the walk, held it back until it was done, in every
/// traced run of ephios (the walk of its 51 directories ended 0.35-0.45 ms late, issue 13).
fn after_walk(pool: &rayon::ThreadPool, job: Job) {
    let mut waiting = lock(&AFTER_WALK);
    match waiting.as_mut() {
        Some(jobs) => jobs.push(job),
        None => {
            drop(waiting);
            pool.spawn(job);
        }
    }
}

/// Parses the embedded data a check reads (the contracts and their heads, the prefilter's
/// search words, Django's own models) on a worker, while the main thread reads the
/// configuration: a worker has nothing else to do then, and the check would otherwise parse
/// them on its way (a third of a small project's instructions). Each is parsed once: a check
/// that asks before the worker is done waits for it.
///
/// The lock files above `inputs` are read and indexed too, in the pin files the next check of
/// this process takes (see [`take_early_pins`]): by the second worker as it starts, when the
/// main thread waits ([`SECOND_WORKER_FIRST`]), or as a job of its own once the walk has ended
/// if the pool runs already. The embedded data's parse is queued once the walk has ended.
pub fn warm_up(inputs: &[PathBuf]) {
    let Some(pool) = POOL.get().and_then(Option::as_ref) else {
        return;
    };
    let pins = Arc::new(crate::versions::Pins::default());
    *lock(&EARLY_PINS) = Some(pins.clone());
    let dirs: Vec<PathBuf> = inputs
        .iter()
        .map(|p| absolute(p))
        .filter_map(|p| {
            if p.is_dir() {
                Some(p)
            } else {
                p.parent().map(Path::to_path_buf)
            }
        })
        .collect();
    let read_pins: Job = Box::new(move || {
        for dir in &dirs {
            pins.prefetch_from(dir);
        }
    });
    // The second worker, not started yet, reads them as it starts (when the calling thread
    // waits); a pool already running queues them after the walk.
    if lock(&WAITING_WORKERS).is_empty() {
        after_walk(pool, read_pins);
    } else {
        *lock(&SECOND_WORKER_FIRST) = Some(read_pins);
    }
    after_walk(
        pool,
        Box::new(|| {
            let _ = crate::prefilter::mentions_library("");
            for entry in crate::library::entries() {
                let _ = entry.head();
            }
            let _ = crate::django::builtin::data();
        }),
    );
}

/// The pin files [`warm_up`] began reading, for the check that follows it (taken once).
static EARLY_PINS: Mutex<Option<Arc<crate::versions::Pins>>> = Mutex::new(None);

fn take_early_pins() -> Option<Arc<crate::versions::Pins>> {
    lock(&EARLY_PINS).take()
}

/// A walk [`start_walk`] began.
struct EarlyWalk {
    inputs: Vec<PathBuf>,
    exclude: Vec<String>,
    found: Mutex<Option<std::thread::Result<discover::Discovered>>>,
    ready: Condvar,
}

static EARLY_WALK: Mutex<Option<Arc<EarlyWalk>>> = Mutex::new(None);

/// What the walk [`start_walk`] began found, if it was of these `inputs` with the exclusions
/// of `options` (it is taken once; never for a `--stdin-filename` run, which walks nothing),
/// waiting for it to end. Only outside the pool: a worker waiting there could hold, lower on
/// its own stack, a part of the walk it took up while waiting for something else, and the walk
/// would never end.
pub(crate) fn take_early_walk(
    inputs: &[PathBuf],
    options: &Options,
) -> Option<discover::Discovered> {
    if options.stdin.is_some() || rayon::current_thread_index().is_some() {
        return None;
    }
    start_waiting_workers();
    let exclude = &options.exclude;
    let walk = lock(&EARLY_WALK).take()?;
    let same_inputs = walk.inputs.len() == inputs.len()
        && walk
            .inputs
            .iter()
            .zip(inputs)
            .all(|(a, b)| *a == absolute(b));
    if !same_inputs || walk.exclude != *exclude {
        return None;
    }
    let mut found = lock(&walk.found);
    loop {
        match found.take() {
            Some(Ok(found)) => return Some(found),
            Some(Err(panic)) => std::panic::resume_unwind(panic),
            None => {}
        }
        found = walk
            .ready
            .wait(found)
            .unwrap_or_else(PoisonError::into_inner);
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Starts the run's first worker: a rayon pool whose workers get `syntax`'s parse stack
/// (virtual memory, touched only as used), so that they parse a large file in place rather than
/// on a new thread (see `syntax::mark_big_stack`). Returns without waiting for it to run
/// (rayon's global pool, `build_global`, waits: a few tenths of a millisecond, at times a
/// millisecond on a virtual machine), so a program that calls it early reads its configuration
/// meanwhile, while the worker walks the inputs ([`start_walk`]). The other workers start
/// when the calling thread is about to wait ([`start_waiting_workers`]). The commands call it
/// too, and run in the pool with [`in_pool`].
pub fn configure_threads() {
    POOL.get_or_init(|| {
        let builder = match POOL_SIZE.get() {
            Some(&n) => rayon::ThreadPoolBuilder::new().num_threads(n),
            None => rayon::ThreadPoolBuilder::new(),
        };
        builder
            .stack_size(crate::syntax::PARSE_STACK)
            .spawn_handler(|worker| {
                if worker.index() == 0 {
                    start_worker(worker)
                } else {
                    lock(&WAITING_WORKERS).push(worker);
                    Ok(())
                }
            })
            .start_handler(|index| {
                crate::syntax::mark_big_stack();
                if index == 1
                    && let Some(job) = lock(&SECOND_WORKER_FIRST).take()
                {
                    // A panic there is the job's own: the worker goes on to its work.
                    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                }
            })
            .build()
            .ok()
    });
}

/// The number of the pool's workers, when the program sets it (see [`size_pool`]).
static POOL_SIZE: OnceLock<usize> = OnceLock::new();

/// Sizes the pool to `processors`, the number of processors the process may use as the program
/// read them (its affinity), before the pool starts: rayon's own count is the standard
/// library's, which also reads the CPU quota of the process's control group (three files
/// opened, 0.045 ms before the first worker could start, issue 13). The quota still bounds the
/// workers that run: the program reads it once the first worker runs ([`run_at_most`]; on two
/// processors or fewer it need not), and [`start_waiting_workers`] starts no more. Only before
/// the pool starts, and only once.
pub fn size_pool(processors: usize) {
    let _ = POOL_SIZE.set(processors.max(1));
}

/// How many of the pool's workers may run, when the program says (see [`run_at_most`]).
static RUNNING_AT_MOST: OnceLock<usize> = OnceLock::new();

/// Bounds the workers started to `workers` (at least one): the program's reading of the CPU
/// quota, for a pool sized by processors ([`size_pool`]). Read while the first worker already
/// walks the inputs, it no longer delays that worker's start.
pub fn run_at_most(workers: usize) {
    let _ = RUNNING_AT_MOST.set(workers.max(1));
}

/// How a new worker of the pool is placed on the machine's processors: given its thread and
/// its index among the workers, by the thread that starts it, right after the start (the new
/// thread may have run already). Set by the program before the pool starts (see
/// `configure_threads`); without it, the operating system places them.
pub type PlaceWorker = fn(&std::thread::JoinHandle<()>, usize);

static PLACE_WORKER: OnceLock<PlaceWorker> = OnceLock::new();

/// Sets how the pool's workers are placed (see [`PlaceWorker`]); only before the pool starts,
/// and only once (later calls change nothing).
pub fn place_workers_with(place: PlaceWorker) {
    let _ = PLACE_WORKER.set(place);
}

/// Runs `f` on a worker of the run's pool, where every use of rayon inside stays: a run with
/// one project (one file, one directory) would otherwise run on the calling thread, whose stack
/// is too small to parse a large file in place. Without a pool (no thread could be started),
/// rayon's global pool.
pub(crate) fn in_pool<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    configure_threads();
    start_waiting_workers();
    let pool = POOL.get().and_then(Option::as_ref);
    let answer = match pool {
        Some(pool) => pool.install(f),
        None => rayon::scope(|_| f()),
    };
    let left = std::mem::take(&mut *lock(&TO_FREE));
    match pool {
        // Spawned from outside the pool, the job waits in rayon's queue of new work, which a
        // worker takes last.
        Some(pool) if !left.is_empty() => pool.spawn(move || drop(left)),
        _ => drop(left),
    }
    answer
}

/// The pool's workers after the first, not started yet (see [`start_waiting_workers`]).
static WAITING_WORKERS: Mutex<Vec<rayon::ThreadBuilder>> = Mutex::new(Vec::new());

/// Starts the workers [`configure_threads`] left waiting. Called by a thread about to wait for
/// the pool (for the walk, for the check), so that a new thread's start, on this machine's
/// kernel, does not hold up the caller: the new thread ran first, on the caller's processor,
/// its start (the stack, the allocator's segment and its first huge page zeroed) before the
/// caller went on, and the pool's second worker, started at once beside the first, held the
/// main thread 0.5 ms before it could read the command line (a tracer's timings, issue 13).
/// Rayon does not need its threads running to take work: a job is queued where every worker
/// looks, a worker not started yet is neither asleep nor awaited, and the first worker takes
/// up what the others would have. Alternating runs, this and the main thread kept on its
/// processor (`main.rs`) against the pool started at once: allianceauth-oidc-provider 0.83,
/// an empty directory 0.88, ephios 0.91, ephios + uv.lock 0.89, django-ansible-base 0.91,
/// aleksis-core 0.91, aleksis-core + poetry.lock 0.92, pretix 0.96.
pub(crate) fn start_waiting_workers() {
    let waiting = std::mem::take(&mut *lock(&WAITING_WORKERS));
    if waiting.is_empty() {
        return;
    }
    // A pool sized by the program counts processors, not the control group's CPU quota
    // (`size_pool`): as many run as the quota allows, the first among them. A worker not
    // started, or that cannot be started, leaves its share to the others, as on a machine
    // with fewer processors.
    let room = RUNNING_AT_MOST.get().map_or(usize::MAX, |n| n - 1);
    for worker in waiting.into_iter().take(room) {
        let _ = start_worker(worker);
    }
}

fn start_worker(worker: rayon::ThreadBuilder) -> std::io::Result<()> {
    let index = worker.index();
    let mut thread = std::thread::Builder::new();
    if let Some(size) = worker.stack_size() {
        thread = thread.stack_size(size);
    }
    let handle = thread.spawn(|| worker.run())?;
    if let Some(place) = PLACE_WORKER.get() {
        place(&handle, index);
    }
    // Detached, as rayon's own spawn leaves them: the process ends with the run.
    Ok(())
}

/// What [`free_later`] was given, freed once [`in_pool`]'s caller has its answer.
static TO_FREE: Mutex<Vec<Box<dyn Send>>> = Mutex::new(Vec::new());

/// Frees `value` off the run's path: on a worker, once the work [`in_pool`] was given is done.
/// Freeing every module a large project read took a tenth of its run (issue 13). A job spawned
/// by the worker that had just checked the project was taken up by that same worker (rayon runs
/// a thread's own jobs first), before the projects left and before the answer was handed over.
/// A run that ends first leaves the memory to the operating system.
pub(crate) fn free_later<T: Send + 'static>(value: T) {
    lock(&TO_FREE).push(Box::new(value));
}

static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();

/// `f` of every item, in the items' order, computed on the pool's threads largest item first
/// (by `weight`, a stable order), each thread taking the next item only once it has helped with
/// whatever the items it took before left to steal. A project's analysis forks (its settings
/// beside its model modules, its parses): split among the threads as a parallel iterator, the
/// small projects (a tree's `tests/` directories, each its own project) kept one thread busy
/// while the large one's forked half waited for it, its largest parse started 0.5-0.8 ms late
/// on aleksis-core (issue 13). A thread now takes up such a half between two projects (rayon looks
/// at the other threads' work before new work); it still finishes the project it is in.
pub(crate) fn map_largest_first<T: Sync, R: Send>(
    items: &[T],
    weight: impl Fn(&T) -> usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    if items.len() <= 1 {
        return items.iter().map(f).collect();
    }
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(weight(&items[i])));
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<R>>> = items.iter().map(|_| Mutex::new(None)).collect();
    let take = || {
        while let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
            let r = f(&items[i]);
            *lock(&slots[i]) = Some(r);
            // Another thread's forked work first. (Not before the first item: this thread's
            // own deque may still hold the other takers, which would then run inside this one
            // instead of beside it.)
            while let Some(rayon::Yield::Executed) = rayon::yield_now() {}
        }
    };
    let takers = rayon::current_num_threads().min(items.len());
    (0..takers)
        .into_par_iter()
        .with_max_len(1)
        .for_each(|_| take());
    slots
        .into_iter()
        .map(|s| {
            s.into_inner()
                .unwrap_or_else(PoisonError::into_inner)
                .expect("every item is taken before the takers return")
        })
        .collect()
}

pub(crate) fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

/// Groups input files by project: the nearest manage.py above each file, else the directory
/// above its top-level package, or the repository top above a namespace package, `src/`, or a
/// directory of scripts, docs or tests (see `RootCache::project_of`).
pub(crate) fn group_files<'a>(
    inputs: &[PathBuf],
    listing: &'a Arc<discover::Listing>,
) -> Vec<(PathBuf, Group<'a>)> {
    group_files_in_chunks(inputs, listing, 2048)
}

/// The projects, sorted by the bytes of their root.
pub(crate) fn group_files_in_chunks<'a>(
    inputs: &[PathBuf],
    listing: &'a Arc<discover::Listing>,
    chunk: usize,
) -> Vec<(PathBuf, Group<'a>)> {
    // A tree has thousands of directories, each answered by a few lookups: chunks of the files
    // are answered in parallel, each with its own memo (they share only a few ancestors).
    let parts: Vec<Vec<Run<'a>>> = listing
        .files()
        .par_chunks(chunk)
        .map(|chunk| runs(chunk, listing))
        .collect();
    let mut runs: Vec<Run<'a>> = parts.into_iter().flatten().collect();
    // An input directory holding manage.py but no Python file under PATHS still has a project.
    for input in inputs {
        if input.join("manage.py").is_file() {
            runs.push(Run {
                root: input.clone(),
                package_roots: Vec::new(),
                files: &[],
            });
        }
    }
    // Stable, so a project's files stay sorted.
    runs.sort_by(|a, b| discover::bytes(&a.root).cmp(discover::bytes(&b.root)));
    let pins = take_early_pins().unwrap_or_default();
    runs.chunk_by(|a, b| discover::bytes(&a.root) == discover::bytes(&b.root))
        .map(|same| {
            let mut group = Group {
                listing: listing.clone(),
                pins: pins.clone(),
                ..Group::default()
            };
            for run in same {
                group.files.extend(run.files.iter().map(PathBuf::as_path));
                group
                    .package_roots
                    .extend(run.package_roots.iter().cloned());
            }
            (same[0].root.clone(), group)
        })
        .collect()
}

/// Consecutive files of one project.
struct Run<'a> {
    root: PathBuf,
    package_roots: Vec<PathBuf>,
    files: &'a [PathBuf],
}

/// Splits `chunk` (sorted) into runs of files of the same project. Files come sorted, so a
/// directory's files, and a project's directories, are mostly consecutive: a directory is
/// answered once per run of its files (and memoised across runs).
fn runs<'a>(chunk: &'a [PathBuf], listing: &Arc<discover::Listing>) -> Vec<Run<'a>> {
    let mut cache = project::RootCache::new(Some(listing.clone()));
    let mut out: Vec<Run<'a>> = Vec::new();
    let mut last_dir: Option<&Path> = None;
    for (i, file) in chunk.iter().enumerate() {
        let dir = file.parent().unwrap_or(Path::new("/"));
        let same_dir = last_dir.is_some_and(|d| discover::bytes(d) == discover::bytes(dir));
        last_dir = Some(dir);
        if let Some(run) = out.last_mut().filter(|_| same_dir) {
            run.files = &chunk[i - run.files.len()..=i];
            continue;
        }
        let package_root = cache.package_root(dir);
        let (package_root, root) = match cache.manage_root(dir) {
            Some(root) => (package_root, root),
            None => cache.project_of(&package_root),
        };
        match out.last_mut() {
            Some(run) if discover::bytes(&run.root) == discover::bytes(&root) => {
                run.files = &chunk[i - run.files.len()..=i];
                if run.package_roots.last() != Some(&package_root) {
                    run.package_roots.push(package_root);
                }
            }
            _ => out.push(Run {
                root,
                package_roots: vec![package_root],
                files: &chunk[i..=i],
            }),
        }
    }
    out
}

/// The input files of one project (sorted by their bytes), and the package roots they sit
/// under.
#[derive(Default)]
pub(crate) struct Group<'a> {
    pub(crate) files: Vec<&'a Path>,
    pub(crate) package_roots: BTreeSet<PathBuf>,
    pub(crate) listing: Arc<discover::Listing>,
    /// The run's pin files, read once for all its projects.
    pub(crate) pins: Arc<crate::versions::Pins>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The inputs (`root` alone) and the walk's listing of the tree under `root`.
    fn walked(root: &Path) -> ([PathBuf; 1], Arc<discover::Listing>) {
        let inputs = [root.to_path_buf()];
        let excludes = discover::Excludes::new(&[]).unwrap();
        let found = discover::discover(&inputs, &excludes);
        let listing = Arc::new(discover::Listing::new(&inputs, &excludes, found.files));
        (inputs, listing)
    }

    /// A panic on a worker reaches the caller by unwinding (rayon resumes it there), which is
    /// how a bug ends a run with exit 101 rather than an abort. (On Linux the binary's unwinder
    /// is libgcc's static one, `libgcc_eh.a`, see build.rs; the test harness links the shared
    /// one.)
    #[test]
    fn a_panic_on_a_worker_unwinds_to_the_caller() {
        let caught = std::panic::catch_unwind(|| in_pool(|| -> u8 { panic!("worker panic") }));
        let payload = caught.expect_err("the panic reaches the caller");
        assert_eq!(payload.downcast_ref::<&str>(), Some(&"worker panic"));
    }

    /// Every item is computed once and the results keep the items' order, whatever order the
    /// weights give and however the items fork work of their own (which the takers steal
    /// between items: no deadlock).
    #[test]
    fn largest_first_keeps_the_items_order_and_computes_each_once() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let items: Vec<usize> = vec![3, 50, 1, 7, 50, 0, 12, 2, 9];
        let calls = AtomicUsize::new(0);
        let results = in_pool(|| {
            map_largest_first(
                &items,
                |&n| n,
                |&n| {
                    calls.fetch_add(1, Ordering::Relaxed);
                    // Work the item forks, for the other thread to steal.
                    let (a, b) = rayon::join(|| (0..n).sum::<usize>(), || n * 2);
                    (n, a + b)
                },
            )
        });
        let expected: Vec<(usize, usize)> = items
            .iter()
            .map(|&n| (n, n * n.saturating_sub(1) / 2 + 2 * n))
            .collect();
        assert_eq!(results, expected);
        assert_eq!(calls.load(Ordering::Relaxed), items.len());
        assert_eq!(map_largest_first(&[4usize], |&n| n, |&n| n + 1), vec![5]);
        assert!(map_largest_first(&[] as &[usize], |&n| n, |&n| n).is_empty());
    }

    #[test]
    fn files_are_grouped_by_project_however_the_work_is_split() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        let files = [
            "proj/manage.py",
            "proj/settings.py",
            "proj/app/__init__.py",
            "proj/app/models.py",
            "proj/app/sub/deep.py",
            "proj/app-b.py",
            "lib/pkg/__init__.py",
            "lib/pkg/a.py",
            "lib/pkg/b/__init__.py",
            "lib/pkg/b/c.py",
            "lib/pkg.py",
            "loose/script.py",
        ];
        discover::tests::touch_all(&root, &files);
        let (inputs, listing) = walked(&root);
        let rel = |p: &Path| {
            p.strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        };
        for chunk in [1, 2, 3, 5, 2048] {
            let groups = group_files_in_chunks(&inputs, &listing, chunk);
            let seen: Vec<(String, Vec<String>, Vec<String>)> = groups
                .iter()
                .map(|(r, g)| {
                    (
                        rel(r),
                        g.files.iter().map(|f| rel(f)).collect(),
                        g.package_roots.iter().map(|p| rel(p)).collect(),
                    )
                })
                .collect();
            let owned = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
            assert_eq!(
                seen,
                [
                    (
                        "lib".to_string(),
                        owned(&[
                            "lib/pkg.py",
                            "lib/pkg/__init__.py",
                            "lib/pkg/a.py",
                            "lib/pkg/b/__init__.py",
                            "lib/pkg/b/c.py"
                        ]),
                        owned(&["lib"]),
                    ),
                    (
                        "loose".to_string(),
                        owned(&["loose/script.py"]),
                        owned(&["loose"]),
                    ),
                    (
                        "proj".to_string(),
                        owned(&[
                            "proj/app-b.py",
                            "proj/app/__init__.py",
                            "proj/app/models.py",
                            "proj/app/sub/deep.py",
                            "proj/manage.py",
                            "proj/settings.py"
                        ]),
                        owned(&["proj", "proj/app/sub"]),
                    ),
                ],
                "chunks of {chunk}"
            );
        }
    }

    #[test]
    fn a_namespace_package_docs_and_tests_are_one_project_with_their_repository() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        let files = [
            "repo/aleksis/core/__init__.py",
            "repo/aleksis/core/models.py",
            "repo/aleksis/core/settings.py",
            "repo/conftest.py",
            "repo/docs/conf.py",
            "repo/setup.py",
            "repo/tests/test_x.py",
            "repo/src/extra/__init__.py",
            "repo/example/manage.py",
            "repo/example/site/__init__.py",
        ];
        discover::tests::touch_all(&root, &files);
        let (inputs, listing) = walked(&root);
        let rel = |p: &Path| {
            p.strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        };
        let seen: Vec<(String, usize, Vec<String>)> = group_files(&inputs, &listing)
            .iter()
            .map(|(r, g)| {
                (
                    rel(r),
                    g.files.len(),
                    g.package_roots.iter().map(|p| rel(p)).collect(),
                )
            })
            .collect();
        let owned = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            seen,
            [
                ("repo".to_string(), 8, owned(&["repo", "repo/src"])),
                ("repo/example".to_string(), 2, owned(&["repo/example"])),
            ]
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 48,
            failure_persistence: None,
            ..proptest::prelude::ProptestConfig::default()
        })]

        /// On generated trees (packages, manage.py projects, loose scripts, nested projects),
        /// however the files are chunked, every file lands in exactly one project, the same one,
        /// and each project's files stay sorted.
        #[test]
        fn grouping_does_not_depend_on_the_chunks(
            paths in proptest::collection::vec(
                (proptest::collection::vec(0usize..4, 0..5), 0usize..5),
                1..40,
            )
        ) {
            const DIRS: [&str; 4] = ["a", "a-b", "p", "q.r"];
            const FILES: [&str; 5] = ["__init__.py", "manage.py", "models.py", "x.py", "setup.py"];
            let dir = tempfile::tempdir().unwrap();
            let root = dir.path().to_path_buf();
            for (dirs, file) in &paths {
                let mut p = root.clone();
                for d in dirs {
                    p.push(DIRS[*d]);
                }
                std::fs::create_dir_all(&p).unwrap();
                std::fs::write(p.join(FILES[*file]), "").unwrap();
            }
            let (inputs, listing) = walked(&root);
            let flat = |chunk: usize| -> Vec<(PathBuf, Vec<PathBuf>, Vec<PathBuf>)> {
                group_files_in_chunks(&inputs, &listing, chunk)
                    .into_iter()
                    .map(|(r, g)| {
                        let files = g.files.iter().map(|f| f.to_path_buf()).collect();
                        (r, files, g.package_roots.into_iter().collect())
                    })
                    .collect()
            };
            let whole = flat(usize::MAX);
            let grouped: usize = whole.iter().map(|(_, f, _)| f.len()).sum();
            proptest::prop_assert_eq!(grouped, listing.files().len());
            for (_, files, _) in &whole {
                proptest::prop_assert!(files.is_sorted_by(|a, b| discover::bytes(a) < discover::bytes(b)));
            }
            for chunk in [1, 2, 3, 7] {
                proptest::prop_assert_eq!(&flat(chunk), &whole, "chunks of {}", chunk);
            }
        }
    }
}
