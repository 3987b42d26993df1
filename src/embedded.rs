//! The data under `rules/` the binary embeds (rule documents, library contracts), listed by
//! `build.rs` so that no library is named here.

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// Whether the contract at `path` is a generic one (`schema = 2`, read by `crate::library`),
/// not of the swappable-models schema `crate::contract` reads.
pub fn is_generic(path: &str) -> bool {
    CONTRACT_CODES.iter().any(|(p, _)| *p == path)
}

/// The contracts of the swappable-models schema (`crate::contract`): (path, text).
pub fn swappable_contracts() -> impl Iterator<Item = &'static (&'static str, &'static str)> {
    CONTRACTS.iter().filter(|(path, _)| !is_generic(path))
}
