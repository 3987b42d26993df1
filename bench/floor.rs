//! Floor figures for the whole-tree run: what the unavoidable I/O costs on this machine, so the
//! linter's time can be compared with "walk the tree" and "read every file" rather than only
//! with ruff. Standard library only; built by run.sh with `rustc -O` (not part of the crate).
//!
//!   floor walk  DIR          walk, sorted like walkdir's sort_by_file_name, count .py files
//!   floor read  DIR THREADS  walk, then read every .py file into a String (UTF-8 checked)
//!   floor grep  DIR THREADS  as read, plus a substring search for the prefilter's seed words
//!
//! Prints one line: mode, files, bytes, hits, wall ms of the phase(s).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

const SEEDS: &[&str] = &["oauth2_provider", "OAUTH2_PROVIDER"];

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = rd.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let Ok(ft) = e.file_type() else { continue };
        let path = e.path();
        if ft.is_dir() {
            walk(&path, out);
        } else if ft.is_file() && path.extension().is_some_and(|x| x == "py" || x == "pyi") {
            out.push(path);
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: floor walk|read|grep DIR [THREADS]");
        std::process::exit(2);
    }
    let mode = args[1].as_str();
    let dir = PathBuf::from(&args[2]);
    let threads: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1).max(1);

    let t0 = Instant::now();
    let mut files = Vec::new();
    walk(&dir, &mut files);
    let walk_ms = t0.elapsed().as_secs_f64() * 1e3;
    if mode == "walk" {
        println!("walk files={} walk_ms={walk_ms:.1}", files.len());
        return;
    }

    let search = mode == "grep";
    let t1 = Instant::now();
    let next = AtomicUsize::new(0);
    let bytes = AtomicUsize::new(0);
    let hits = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = files.get(i) else { break };
                    let Ok(raw) = std::fs::read(path) else { continue };
                    bytes.fetch_add(raw.len(), Ordering::Relaxed);
                    let Ok(text) = String::from_utf8(raw) else { continue };
                    if search && SEEDS.iter().any(|seed| text.contains(seed)) {
                        hits.fetch_add(1, Ordering::Relaxed);
                    }
                }
            });
        }
    });
    let read_ms = t1.elapsed().as_secs_f64() * 1e3;
    println!(
        "{mode} threads={threads} files={} bytes={} hits={} walk_ms={walk_ms:.1} read_ms={read_ms:.1} total_ms={:.1}",
        files.len(),
        bytes.load(Ordering::Relaxed),
        hits.load(Ordering::Relaxed),
        walk_ms + read_ms
    );
}
