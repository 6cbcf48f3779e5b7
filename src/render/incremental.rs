//! Re-rendering what one page's edit touches, for the preview server's
//! incremental rebuilds: the page, its category and the categories above
//! it, the home page, the all-questions page and the sitemap of its
//! language. Everything else of a full [`Renderer::render_site`] is
//! independent of a page's body (see `content::incremental` for what counts
//! as a body edit).

use crate::diag::Diagnostic;
use crate::model::{PageId, Site};
use crate::output::OutputFile;
use crate::widgets::SiteWidgets;

use super::{LanguageMap, Renderer, lang_tag, seo, theme};

/// Which files of a page edit to render.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// The page itself.
    Page,
    /// Its categories, the home page, the all-questions page, the sitemap.
    Lists,
}

/// One compiled renderer per language of the site, as the build makes them.
pub struct Session {
    renderers: Vec<Renderer>,
}

impl Session {
    /// Compiles the theme for the site and each translation (`sites` as
    /// `content::load_all` returns them), the way `pipeline::render_site` does.
    pub fn new(sites: &[Site], widgets: &SiteWidgets) -> Result<Session, Vec<Diagnostic>> {
        let languages = LanguageMap::from_sites(sites);
        let mut renderers = Vec::with_capacity(sites.len());
        for (i, site) in sites.iter().enumerate() {
            let fs = crate::sitefs::SiteFs::new(&site.root, &site.config.files);
            let theme = theme::load(&fs, &site.config.theme, &lang_tag(site))?;
            let extra = if i == 0 { widgets.assets() } else { Vec::new() };
            renderers.push(Renderer::new(site, theme, extra, languages.clone())?);
        }
        Ok(Session { renderers })
    }

    /// The files that show page `page` of `sites[s]`, with the output paths
    /// the full build gives them.
    pub fn page_files(
        &self,
        sites: &[Site],
        s: usize,
        page: PageId,
    ) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
        let mut files = self.files(sites, s, page, Part::Page)?;
        files.extend(self.files(sites, s, page, Part::Lists)?);
        Ok(files)
    }

    /// One part of [`Session::page_files`]: the page itself, or the lists
    /// and indexes that show it.
    pub fn files(
        &self,
        sites: &[Site],
        s: usize,
        page: PageId,
        part: Part,
    ) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
        let (Some(site), Some(r)) = (sites.get(s), self.renderers.get(s)) else {
            return Ok(Vec::new());
        };
        let Some(p) = site.pages.get(page) else {
            return Ok(Vec::new());
        };
        let mut results = Vec::new();
        if part == Part::Page {
            results.push(r.render_page(site, page));
        } else {
            results.push(r.render_home(site));
            let mut cat = Some(p.category);
            while let Some(c) = cat.filter(|&c| c != 0) {
                results.push(r.render_category(site, c));
                cat = site.categories.get(c).and_then(|x| x.parent);
            }
            r.render_questions(site, &mut |res| results.push(res));
        }
        let mut files = Vec::new();
        let mut diags = Vec::new();
        for res in results {
            match res {
                Ok(f) => files.push(f),
                Err(d) => diags.push(d),
            }
        }
        if !diags.is_empty() {
            return Err(diags);
        }
        if part == Part::Lists {
            files.push(seo::sitemap(site, r.site_context()));
        }
        // A translation is built under its language folder (`en/`).
        let folder = site
            .root_path
            .strip_prefix(&site.config.root_path())
            .unwrap_or("")
            .to_owned();
        Ok(files
            .into_iter()
            .map(|f| OutputFile {
                path: format!("{folder}{}", f.path),
                ..f
            })
            .collect())
    }
}
