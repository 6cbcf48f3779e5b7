//! The `faqtory` binary: a thin shell over the library's CLI module.

use clap::Parser;

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = faqtory::cli::Cli::parse();
    std::process::exit(faqtory::cli::run(cli));
}
