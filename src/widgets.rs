//! The widgets pages may place with the widget directive (DIALECT.md §8),
//! and the data and assets they bring into the site.

use std::path::Path;

use crate::diag::Diagnostic;
use crate::markdown::{Lang, WidgetHost};
use crate::output::OutputFile;
use crate::render::ExtraAsset;
use crate::render::context::SiteContext;

/// The widgets of one site.
pub struct SiteWidgets {
    #[allow(dead_code)]
    lang: Lang,
}

impl SiteWidgets {
    /// Loads what the widgets need from the site at `root` (problems go to `diags`).
    pub fn load(_root: &Path, lang: Lang, _diags: &mut Vec<Diagnostic>) -> Self {
        SiteWidgets { lang }
    }

    /// Files every site gets under `assets/`: the wasm modules.
    pub fn assets(&self) -> Vec<ExtraAsset> {
        vec![
            (
                "search.wasm".to_owned(),
                crate::assets::SEARCH_WASM.to_vec(),
            ),
            (
                "refund.wasm".to_owned(),
                crate::assets::REFUND_WASM.to_vec(),
            ),
        ]
    }

    /// Data files the widgets read at run time.
    pub fn output_files(&self, _site: &SiteContext) -> Vec<OutputFile> {
        Vec::new()
    }
}

impl WidgetHost for SiteWidgets {
    fn fallback_html(&self, _name: &str, _lang: Lang) -> Option<String> {
        None
    }
}
