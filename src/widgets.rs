//! The widgets pages may place with the widget directive (docs/dialect.md §8),
//! and the data and assets they bring into the site.
//!
//! Today there is one: `refund-calculator`, which needs the site's refund
//! rules (`content/refund-rules.yaml`). Its no-JavaScript fallback is the
//! rules as a table; the script reads `assets/refund-rules.json` and runs
//! the rules engine compiled to wasm (`assets/refund.wasm`).

use std::path::Path;

use crate::diag::Diagnostic;
use crate::markdown::{Lang, WidgetHost};
use crate::output::OutputFile;
use crate::refund::widget as refund_widget;
use crate::render::ExtraAsset;
use crate::render::context::SiteContext;
use crate::sitefs::SiteFs;

/// The widgets of one site.
pub struct SiteWidgets {
    /// The refund rules, when the site has a rules file.
    refund: Option<refund::Rules>,
    /// The site's root path (`/`, `/help/`): widget links start with it.
    root_path: String,
}

impl SiteWidgets {
    /// Loads what the widgets need from the site `fs` reads; problems in
    /// the rules file (file:line:col) go to `diags`.
    pub fn load(fs: &SiteFs, root_path: &str, diags: &mut Vec<Diagnostic>) -> Self {
        let rules_path = Path::new(crate::refund::DEFAULT_RULES_PATH);
        // Whatever is there is looked at (a link, a FIFO), so that what is
        // not read is reported rather than silently missing.
        let present = std::fs::symlink_metadata(fs.root().join(rules_path))
            .is_ok_and(|m| !m.file_type().is_dir());
        let refund = if present {
            match crate::refund::load_with(fs, rules_path) {
                Ok(rules) => Some(rules),
                Err(ds) => {
                    diags.extend(ds);
                    None
                }
            }
        } else {
            None
        };
        SiteWidgets {
            refund,
            root_path: root_path.to_owned(),
        }
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
        match &self.refund {
            Some(rules) => vec![OutputFile::new(
                format!("assets/{}", refund_widget::RULES_ASSET),
                refund_widget::rules_json(rules),
            )],
            None => Vec::new(),
        }
    }
}

impl WidgetHost for SiteWidgets {
    fn fallback_html(&self, name: &str, lang: Lang) -> Option<String> {
        match (name, &self.refund) {
            (refund_widget::WIDGET_NAME, Some(rules)) => {
                Some(refund_widget::fallback_html(rules, lang, &self.root_path))
            }
            _ => None,
        }
    }
}
