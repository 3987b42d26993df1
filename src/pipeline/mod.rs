//! The pipeline's stages (design.md), each a function of the previous one's output:
//! find inputs (`inputs`) → read (`read`) → settings (`settings`) → analysis (`analysis`)
//! → rules (`rules`). The commands (`crate::commands`) run them.

pub(crate) mod analysis;
pub(crate) mod inputs;
pub(crate) mod read;
pub(crate) mod rules;
pub(crate) mod settings;
