//! The data under `rules/` the binary embeds (rule documents, library contracts), listed by
//! `build.rs` so that no library is named here.

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
