//! The `faqtory` binary: a thin shell over the library's CLI module.

use clap::Parser;

fn main() {
    let cli = faqtory::cli::Cli::parse();
    std::process::exit(faqtory::cli::run(cli));
}
