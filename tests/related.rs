//! Related questions: computed at build time from shared search tokens and
//! handed to templates as `question.related`.

mod common;
use common::*;

#[test]
fn questions_sharing_rare_words_are_related() {
    let site = TempSite::from_fixture("basic");
    site.write(
        "content/billing/invoice.md",
        "---\ntitle: 发票\n---\n### 如何申请增值税专用发票？ {#vat}\n在费用中心申请增值税专用发票。\n\n### 电子发票在哪里下载？ {#pdf}\n开具后下载电子发票。\n",
    );
    site.write(
        "content/market/vat.md",
        "---\ntitle: 市场发票\n---\n### 云市场商品的增值税专用发票由谁开具？ {#market-vat}\n由服务商开具增值税专用发票。\n",
    );
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block main %}{% for s in page.sections %}{% if s.question %}\
         <section id=\"{{ s.question.id }}\"><ul class=\"related\">{% for r in s.question.related %}<li><a href=\"{{ r.url }}\">{{ r.title }}</a></li>{% endfor %}</ul></section>\
         {% endif %}{% endfor %}{% endblock main %}",
    );
    let out = site.run(&["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = std::fs::read_to_string(site.path("public/market/vat/index.html")).unwrap();
    let section = html
        .split("<section id=\"market-vat\">")
        .nth(1)
        .expect("the question's section");
    let first = section
        .split("<li>")
        .nth(1)
        .expect("at least one related question");
    assert!(
        first.contains(r#"href="/docs/billing/invoice/#vat""#),
        "the VAT invoice question comes first: {section}"
    );
    assert!(
        !section.contains("#market-vat\""),
        "a question is not related to itself: {section}"
    );
}
