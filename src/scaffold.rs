//! `faqtory new DIR`: a small site that builds as it is, with the built-in
//! theme, showing the dialect's main features.

use std::fs;
use std::io;
use std::path::Path;

/// The files of a new site: (path, text).
pub const FILES: &[(&str, &str)] = &[
    (
        "site.yaml",
        "title: 帮助中心\n\
         description: 常见问题与使用指南\n\
         base_url: https://help.example.com\n\
         language: zh-CN\n\
         console:\n  base_url: https://console.example.com\n  routes:\n    - /account\n",
    ),
    (
        "content/_index.md",
        "---\ntitle: 帮助中心\n---\n\n欢迎使用帮助中心。\n",
    ),
    (
        "content/getting-started/_index.md",
        "---\ntitle: 快速入门\nweight: 1\n---\n",
    ),
    (
        "content/getting-started/faq.md",
        "---\ntitle: 常见问题\nweight: 1\n---\n\n\
         ### 如何登录控制台？{#login}\n\
         打开【[账号中心](console:/account)】，输入账号和密码即可。\n\n\
         >?首次登录需要验证手机号。\n\n\
         ### 忘记密码怎么办？\n\
         （1）在登录页单击“忘记密码”；\n\
         （2）按提示验证身份后设置新密码。\n",
    ),
    (".gitignore", "/public\n/.public.*\n"),
];

/// Creates the site in `dir`, which must not exist or be empty.
pub fn create(dir: &Path) -> io::Result<()> {
    if dir.exists() && fs::read_dir(dir)?.next().is_some() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!(
                "{} exists and is not empty; choose a new folder",
                dir.display()
            ),
        ));
    }
    for (path, text) in FILES {
        let dest = dir.join(path);
        if let Some(parent) = dest.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(dest, text)?;
    }
    Ok(())
}
