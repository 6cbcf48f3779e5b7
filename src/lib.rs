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
