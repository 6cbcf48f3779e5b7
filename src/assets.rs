//! Files built into the binary by build.rs: the built-in themes and the two
//! wasm modules (refund calculator, search).

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// Names of the built-in themes.
pub fn theme_names() -> Vec<&'static str> {
    let mut names: Vec<&str> = THEMES
        .iter()
        .filter_map(|(p, _)| p.split('/').next())
        .collect();
    names.dedup();
    names
}
