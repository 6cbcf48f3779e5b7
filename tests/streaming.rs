//! A build keeps no page's text or HTML in the model: the renderer renders
//! each page's markdown again from its file as it writes the page
//! (`content::PageSources`). These tests hold that second rendering to the
//! first, and a file that changed in between to an error.

mod common;

use common::*;
use faqtory::config::Config;
use faqtory::content::{self, LoadOptions, LoadedAll};
use faqtory::sitefs::SiteFs;
use faqtory::widgets::SiteWidgets;

fn load(site: &TempSite, keep_sources: bool) -> (LoadedAll, SiteWidgets) {
    let config = Config::load(site.root()).expect("site.yaml");
    let fs = SiteFs::new(site.root(), &config.files);
    let widgets = SiteWidgets::load(&fs, &config.root_path(), &mut Vec::new());
    let loaded = content::load_all(
        site.root(),
        config,
        &LoadOptions {
            console_base_url: None,
            strict: false,
            widgets: &widgets,
            keep_sources,
        },
    );
    (loaded, widgets)
}

#[test]
fn a_page_rendered_again_is_the_page_the_whole_model_holds() {
    let site = TempSite::from_fixture("basic");
    let (kept, _) = load(&site, true);
    let (streamed, widgets) = load(&site, false);
    let kept = &kept.sites[0];
    let sources = &streamed.sources[0];
    let streamed = &streamed.sites[0];
    assert!(!streamed.pages.is_empty());
    for (k, s) in kept.pages.iter().zip(&streamed.pages) {
        assert!(s.source.text.is_empty(), "a build keeps no page text");
        assert!(
            s.doc.sections.iter().all(|x| x.html.is_empty()),
            "a build keeps no page HTML"
        );
        let mut again = sources.render(s, &widgets).expect("rendered again");
        let mut whole = k.doc.clone();
        whole.diagnostics.clear();
        again.diagnostics.clear();
        assert_eq!(again, whole, "{}", s.source.shown.display());
    }
}

#[test]
fn a_page_changed_after_loading_is_an_error_not_a_mixed_page() {
    let site = TempSite::from_fixture("basic");
    let (loaded, widgets) = load(&site, false);
    let page = loaded.sites[0]
        .pages
        .iter()
        .find(|p| p.source.shown.ends_with("refund.md"))
        .expect("the refund page");
    site.write(
        "content/billing/refund.md",
        "---\ntitle: Refunds\n---\n### A question nobody loaded\nNew text.\n",
    );
    let err = loaded.sources[0]
        .render(page, &widgets)
        .expect_err("the file changed");
    assert!(err.is_error());
    assert!(
        err.message
            .contains("changed while the site was being built"),
        "{}",
        err.message
    );
    assert!(err.file.ends_with("content/billing/refund.md"));

    std::fs::remove_file(site.path("content/billing/refund.md")).unwrap();
    let err = loaded.sources[0]
        .render(page, &widgets)
        .expect_err("the file is gone");
    assert!(err.is_error());
}
