//! faqtory: a static-site generator for FAQ help centers.
//!
//! Data flows one way: [`content`] loads the site into a [`model::Site`]
//! (with diagnostics), [`render`] and [`search`] turn the model into output
//! files, and [`output`] is the only module that writes. See ARCHITECTURE.md.

pub mod assets;
pub mod cli;
pub mod config;
pub mod content;
pub mod diag;
pub mod markdown;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod progress;
pub mod refund;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod sitefs;
mod sums;
pub mod widgets;
pub mod yaml;

/// Most pages one parallel job takes (reading, rendering). Left to itself,
/// rayon cuts a list into a few long runs, and the worker holding the last
/// one ran on alone while the other core idled.
pub const PAGES_PER_JOB: usize = 8;
