//! Build script: embeds the built-in themes and the two wasm modules in the
//! binary, so `faqtory` runs anywhere as one file.
//!
//! The wasm modules (crates/refund-wasm, crates/search-wasm) are compiled by
//! a nested `cargo build --target wasm32-unknown-unknown` with its own target
//! directory: no wasm-pack, no wasm-bindgen CLI. A missing wasm32 target
//! fails the build with the one-line fix. `wasm-opt` shrinks them further
//! when it is installed; it is never required.

use std::env;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

const WASM_CRATES: &[(&str, &str)] = &[
    ("refund-wasm", "refund_wasm"),
    ("search-wasm", "search_wasm"),
];

fn main() {
    let manifest_dir =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let mut code = String::new();

    // Themes.
    let themes = manifest_dir.join("themes");
    println!("cargo::rerun-if-changed={}", themes.display());
    let mut files = Vec::new();
    collect(&themes, &mut files);
    files.sort();
    code.push_str("/// Built-in theme files: (`<theme>/<path>`, bytes).\npub static THEMES: &[(&str, &[u8])] = &[\n");
    for f in &files {
        let rel = f
            .strip_prefix(&themes)
            .expect("walked under themes")
            .to_string_lossy()
            .replace('\\', "/");
        writeln!(
            code,
            "    ({rel:?}, include_bytes!({:?})),",
            f.display().to_string()
        )
        .expect("write to string");
    }
    code.push_str("];\n");

    // Wasm modules.
    for (krate, _) in WASM_CRATES {
        println!(
            "cargo::rerun-if-changed={}",
            manifest_dir.join("crates").join(krate).display()
        );
    }
    for dep in ["refund", "search-core"] {
        println!(
            "cargo::rerun-if-changed={}",
            manifest_dir.join("crates").join(dep).join("src").display()
        );
        println!(
            "cargo::rerun-if-changed={}",
            manifest_dir
                .join("crates")
                .join(dep)
                .join("Cargo.toml")
                .display()
        );
    }
    println!(
        "cargo::rerun-if-changed={}",
        manifest_dir.join("Cargo.lock").display()
    );
    check_wasm_target();
    let wasm_target_dir = out_dir.join("wasm-target");
    for (krate, lib) in WASM_CRATES {
        let wasm = build_wasm(&manifest_dir, &wasm_target_dir, krate, lib);
        let name = lib.trim_end_matches("_wasm").to_uppercase();
        writeln!(
            code,
            "/// The `{krate}` module, compiled to wasm32.\npub static {name}_WASM: &[u8] = include_bytes!({:?});",
            wasm.display().to_string()
        )
        .expect("write to string");
    }
    std::fs::write(out_dir.join("embedded.rs"), code).expect("write embedded.rs to OUT_DIR");
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else if p.is_file() {
            out.push(p);
        }
    }
}

fn check_wasm_target() {
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let sysroot = Command::new(&rustc)
        .args(["--print", "sysroot"])
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| PathBuf::from(s.trim()));
    let installed = sysroot.is_some_and(|s| s.join("lib/rustlib/wasm32-unknown-unknown").is_dir());
    if !installed {
        println!(
            "cargo::error=the wasm32-unknown-unknown target is not installed; fix: rustup target add wasm32-unknown-unknown"
        );
        std::process::exit(1);
    }
}

fn build_wasm(manifest_dir: &Path, target_dir: &Path, krate: &str, lib: &str) -> PathBuf {
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(manifest_dir)
        .args([
            "build",
            "--release",
            "--locked",
            "--target",
            "wasm32-unknown-unknown",
            "-p",
            krate,
        ])
        .arg("--target-dir")
        .arg(target_dir)
        // Size first: these modules are downloaded by every reader.
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "z")
        .env("CARGO_PROFILE_RELEASE_LTO", "true")
        .env("CARGO_PROFILE_RELEASE_PANIC", "abort")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "1")
        .env("CARGO_PROFILE_RELEASE_STRIP", "true")
        .env("CARGO_PROFILE_RELEASE_DEBUG", "false");
    // The outer build's settings are not for this one.
    for var in [
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "CARGO_TARGET_DIR",
        "CARGO_BUILD_TARGET",
        "RUSTC_WORKSPACE_WRAPPER",
        "RUSTC_WRAPPER",
        "CARGO_MAKEFLAGS",
        "CARGO_LLVM_COV",
        "CARGO_BUILD_RUSTFLAGS",
    ] {
        cmd.env_remove(var);
    }
    let status = cmd.status().expect("run cargo for the wasm modules");
    if !status.success() {
        println!(
            "cargo::error=building {krate} for wasm32-unknown-unknown failed (see the output above)"
        );
        std::process::exit(1);
    }
    let built = target_dir
        .join("wasm32-unknown-unknown/release")
        .join(format!("{lib}.wasm"));
    let optimised = target_dir.join(format!("{lib}.opt.wasm"));
    let opt_ok = Command::new("wasm-opt")
        .arg("-Oz")
        .arg("--enable-bulk-memory")
        .arg("--enable-nontrapping-float-to-int")
        .arg("--enable-sign-ext")
        .arg("--enable-mutable-globals")
        .arg(&built)
        .arg("-o")
        .arg(&optimised)
        .status()
        .is_ok_and(|s| s.success());
    if opt_ok { optimised } else { built }
}
