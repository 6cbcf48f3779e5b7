#!/usr/bin/env python3
"""Generated FAQ help centres for the benchmarks: N pages in the dialect of
Chinese cloud-console help docs, written twice, once as a faqtory site and
once as a Hugo site with the same page bodies.

Usage: python3 bench/corpus.py N OUT [--seed 7] [--per-section 25]

  OUT/faqtory/  site.yaml (with every console route the pages link to) and
                content/<product>/<group>-<k>/<page>.md, YAML front matter
  OUT/hugo/     hugo.toml, the same content with TOML front matter, and two
                small layouts (a page lists its section's pages, so a page
                costs the same at any N)
  OUT/SUMMARY.txt  pages, questions, bytes and a sha256 of every body

Each page has 5 to 15 `###` questions. Answers mix Chinese and English:
paragraphs, （1） steps one per line, **bold** around full-width
punctuation, 【menu】>【path】 UI paths, links into a console, `>?` notes and
`>!` warnings, now and then a code block, a table or an ordered list. Page i
depends only on (seed, i), so a corpus of 1,000 pages is the first 1,000
pages of one of 10,000. Standard library only.
"""
import argparse
import hashlib
import os
import random
import shutil

CONSOLE = "https://console.cloud.example.com"

# (folder, Chinese name, English name, console route)
PRODUCTS = [
    ("compute", "云服务器", "Cloud VM", "/vm"),
    ("storage", "对象存储", "Object Storage", "/objects"),
    ("mysql", "云数据库 MySQL", "MySQL", "/db/mysql"),
    ("cache", "云缓存 Redis", "Redis", "/db/redis"),
    ("lb", "负载均衡", "Load Balancer", "/lb"),
    ("network", "私有网络", "VPC", "/vpc"),
    ("cdn", "内容分发", "CDN", "/cdn"),
    ("functions", "云函数", "Functions", "/functions"),
    ("containers", "容器服务", "Kubernetes Engine", "/k8s"),
    ("disk", "云硬盘", "Block Storage", "/vm/disks"),
    ("files", "文件存储", "File Storage", "/nas"),
    ("certs", "SSL 证书", "Certificates", "/certs"),
    ("dns", "域名解析", "DNS", "/dns"),
    ("iam", "访问管理", "IAM", "/iam"),
    ("monitor", "云监控", "Monitoring", "/monitor"),
    ("logs", "日志服务", "Logging", "/logs"),
    ("firewall", "应用防火墙", "WAF", "/security/waf"),
    ("queue", "消息队列", "Message Queue", "/mq"),
    ("es", "搜索服务", "Search Service", "/search-service"),
    ("video", "视频点播", "Video on Demand", "/vod"),
    ("sms", "短信服务", "SMS", "/sms"),
    ("billing", "费用中心", "Billing", "/billing"),
    ("account", "账号中心", "Account", "/account"),
    ("gateway", "API 网关", "API Gateway", "/apigw"),
    ("kms", "密钥管理", "Key Management", "/kms"),
    ("scaling", "弹性伸缩", "Auto Scaling", "/scaling"),
]

# (folder, title)
GROUPS = [
    ("basics", "入门问题"), ("pricing", "计费问题"), ("buying", "购买问题"),
    ("connect", "连接与登录"), ("net", "网络问题"), ("safety", "安全问题"),
    ("ops", "运维问题"), ("errors", "故障排查"), ("sdk", "API 与 SDK"),
    ("speed", "性能问题"), ("move", "数据迁移"), ("limits", "配额与限制"),
]

THINGS = ["实例", "存储桶", "安全组", "子网", "快照", "镜像", "密钥", "数据库", "备份",
          "监听器", "证书", "域名", "子账号", "告警规则", "日志集", "集群", "节点",
          "命名空间", "消费者组", "云盘", "挂载点", "白名单", "缓存策略", "访问策略"]
VERBS = ["创建", "删除", "修改", "查看", "绑定", "解绑", "扩容", "迁移", "备份", "恢复",
         "重置", "续费", "退订", "升级", "导出", "重启", "挂载", "授权"]
PROPERTIES = ["数量上限", "带宽", "容量", "计费方式", "默认值", "地域", "可用区", "权限",
              "保留天数", "延迟", "每秒请求数", "连接数"]
TROUBLES = ["无法访问", "连接超时", "状态异常", "提示没有权限", "返回 403", "返回 504 Gateway Timeout",
            "内存占用过高", "磁盘已满", "流量异常", "响应变慢", "证书报错", "解析失败", "登录失败",
            "扣费不符", "创建失败"]
LATIN = ["API", "SDK", "SSH", "HTTPS", "TLS 1.3", "CNAME", "TTL", "QPS", "IOPS", "Region",
         "AccessKey", "CIDR", "MTU", "CORS", "Nginx", "Docker", "Kubernetes", "kubectl",
         "Terraform", "Python SDK", "Go SDK", "JSON", "YAML", "IPv6", "cloud-init",
         "Ubuntu 24.04", "Debian 12", "MySQL 8.0", "Redis 7.0", "Prometheus", "webhook"]
ERRORS = ["AuthFailure", "InvalidParameter", "ResourceNotFound", "QuotaExceeded",
          "OperationDenied", "InternalError", "RequestLimitExceeded", "InsufficientBalance"]
REMARKS = [
    "建议在业务低峰期进行操作，并提前通知相关人员",
    "该设置只影响当前地域，其他地域需要单独设置",
    "修改通常在几分钟内生效，期间请勿重复提交",
    "为降低访问延迟，请选择离用户较近的地域",
    "平台不会以明文形式保存您的密码",
    "账户欠费后，按量计费的资源会被暂停",
    "默认配额不够用时，可以提交工单申请提升",
    "同一账号下的资源默认可以通过内网互访",
    "请确认安全组和系统防火墙都已放通对应端口",
    "重要数据请先做好备份，避免误操作造成损失",
    "包年包月资源到期前，平台会通过短信和邮件提醒续费",
    "生产环境建议配置告警，以便第一时间发现问题",
    "该功能仍在公测中，部分地域暂未开放",
    "子账号需要先获得授权，才能执行这个操作",
    "费用按小时结算，不满一小时按一小时计费",
    "大量请求时建议复用连接，减少握手开销",
    "问题仍未解决时，请提交工单联系技术支持",
]
COMMANDS = [
    ["ping -c 3 <公网 IP>", "nc -vz <公网 IP> 22"],
    ["df -h /", "du -sh /var/log"],
    ["systemctl status nginx", "systemctl reload nginx"],
    ["curl -sI https://www.example.com", "dig www.example.com"],
    ["mysql -h 10.0.0.5 -P 3306 -u admin -p"],
    ["kubectl get pods -A", "kubectl logs <pod-name>"],
]


def routes_of(product):
    """The console routes a product's pages link to."""
    root = product[3]
    return [root, f"{root}/list", f"{root}/settings", f"{root}/monitor"]


def pick(r, items):
    return items[r.randrange(len(items))]


def one_of(r, *shapes):
    """Calls one of `shapes`, drawn by `r`; the shape then draws its own words."""
    return shapes[r.randrange(len(shapes))]()


def sentence(r, p):
    """One sentence of an answer, in one of a few shapes."""
    cn, en = p[1], p[2]
    return one_of(
        r,
        lambda: f"{cn}的{pick(r, THINGS)}{pick(r, PROPERTIES)}默认为 {r.choice([2, 10, 50, 100, 500])} 个。",
        lambda: f"如需{pick(r, VERBS)}{pick(r, THINGS)}，请在 {en} 控制台的【{pick(r, THINGS)}列表】中操作。",
        lambda: f"When the API returns {pick(r, ERRORS)}, check the {pick(r, LATIN)} settings and retry.",
        lambda: f"**注意：**{pick(r, REMARKS)}。",
        lambda: f"{cn}支持通过 {pick(r, LATIN)} {pick(r, VERBS)}{pick(r, THINGS)}。",
        lambda: f"{pick(r, REMARKS)}，{pick(r, REMARKS)}。",
        lambda: f"详见 [{pick(r, THINGS)}管理]({CONSOLE}{pick(r, routes_of(p))})。",
    )


def steps(r, p):
    """（1）-style steps, one per line, with a UI path and a console link."""
    n = r.randint(2, 5)
    out = [f"（1）登录 [{p[1]}控制台]({CONSOLE}{p[3]})。"]
    for i in range(2, n + 1):
        out.append(
            one_of(
                r,
                lambda: f"（{i}）选择【{pick(r, THINGS)}】>【{pick(r, VERBS)}】。",
                lambda: f"（{i}）在弹窗中填写 {pick(r, LATIN)} 相关参数，单击**确定**。",
                lambda: f"（{i}）找到目标{pick(r, THINGS)}，在其右侧单击**更多** > **{pick(r, VERBS)}**。",
            )
        )
    return "\n".join(out)


def block(r, p):
    """One block of an answer."""
    kind = r.randrange(10)
    if kind < 4:
        return "".join(sentence(r, p) for _ in range(r.randint(2, 5)))
    if kind < 6:
        return steps(r, p)
    if kind == 6:
        mark = r.choice([">?", ">!"])
        return f"{mark} {pick(r, REMARKS)}。\n{mark} {pick(r, REMARKS)}。"
    if kind == 7:
        return "```bash\n" + "\n".join(pick(r, COMMANDS)) + "\n```"
    if kind == 8:
        rows = [f"| {pick(r, PROPERTIES)} | {r.randint(1, 64)} | {pick(r, REMARKS)} |" for _ in range(r.randint(2, 4))]
        return "| 项目 | 数值 | 说明 |\n|---|---|---|\n" + "\n".join(rows)
    return "\n".join(f"{i}. {pick(r, VERBS)}{pick(r, THINGS)}。" for i in range(1, r.randint(3, 5)))


def question(r, p):
    return one_of(
        r,
        lambda: f"如何{pick(r, VERBS)}{p[1]}的{pick(r, THINGS)}？",
        lambda: f"{p[1]}的{pick(r, THINGS)}{pick(r, TROUBLES)}怎么办？",
        lambda: f"{pick(r, VERBS)}{pick(r, THINGS)}时有什么限制？",
        lambda: f"{p[2]} 的{pick(r, PROPERTIES)}是多少？",
    )


def page(seed, i, per_section):
    """(product, group folder, group title, k, title, body) of page i."""
    r = random.Random(f"{seed}:{i}")
    section = i // per_section
    p = PRODUCTS[section % len(PRODUCTS)]
    g = GROUPS[(section // len(PRODUCTS)) % len(GROUPS)]
    k = section // (len(PRODUCTS) * len(GROUPS)) + 1
    title = f"{p[2]} {g[1]} {i:05d}"
    parts, asked = [], set()
    for _ in range(r.randint(5, 15)):
        q = question(r, p)
        while q in asked:  # one anchor per question: no two alike on a page
            q = question(r, p)
        asked.add(q)
        answer = "\n\n".join(block(r, p) for _ in range(r.randint(2, 7)))
        parts.append(f"### {q}\n\n{answer}\n")
    return p, g, k, title, "\n".join(parts)


HUGO_SINGLE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body>
<nav>{{ range .CurrentSection.Pages }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ end }}</nav>
<main><h1>{{ .Title }}</h1>{{ .Content }}</main>
</body></html>
"""
HUGO_LIST = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main><h1>{{ .Title }}</h1>
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
</main></body></html>
"""


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--per-section", type=int, default=25)
    a = ap.parse_args()
    if os.path.exists(a.out):
        shutil.rmtree(a.out)
    fq, hugo = os.path.join(a.out, "faqtory"), os.path.join(a.out, "hugo")
    digest, questions, nbytes = hashlib.sha256(), 0, 0
    sections = {}
    for i in range(a.n):
        p, g, k, title, body = page(a.seed, i, a.per_section)
        rel = os.path.join(p[0], f"{g[0]}-{k}", f"faq-{i:05d}.md")
        sections.setdefault((p, g, k), 0)
        write(os.path.join(fq, "content", rel), f"---\ntitle: {title}\nweight: {i}\n---\n\n{body}")
        write(os.path.join(hugo, "content", rel), f'+++\ntitle = "{title}"\nweight = {i + 1}\n+++\n\n{body}')
        digest.update(body.encode())
        questions += body.count("\n### ") + body.startswith("### ")
        nbytes += len(body.encode())
    products = {}
    for (p, g, k) in sections:
        products[p[0]] = p
        rel = os.path.join(p[0], f"{g[0]}-{k}", "_index.md")
        name = f"{g[1]} {k}" if k > 1 else g[1]
        write(os.path.join(fq, "content", rel), f"---\ntitle: {name}\n---\n")
        write(os.path.join(hugo, "content", rel), f'+++\ntitle = "{name}"\n+++\n')
    for n, p in enumerate(products.values()):
        write(os.path.join(fq, "content", p[0], "_index.md"), f"---\ntitle: {p[1]}\nweight: {n}\n---\n")
        write(os.path.join(hugo, "content", p[0], "_index.md"), f'+++\ntitle = "{p[1]}"\nweight = {n + 1}\n+++\n')
    routes = sorted({route for p in products.values() for route in routes_of(p)})
    write(os.path.join(fq, "site.yaml"),
          "title: 帮助中心\nbase_url: https://help.example.com\nlanguage: zh-CN\ntheme: default\n"
          f"console:\n  base_url: {CONSOLE}\n  routes:\n" + "".join(f"    - {x}\n" for x in routes))
    # Hugo does no more than faqtory's pages need: no code highlighting (faqtory has
    # none), no taxonomies, feeds, sitemap or robots.txt.
    write(os.path.join(hugo, "hugo.toml"),
          'baseURL = "https://help.example.com/"\nlanguageCode = "zh-CN"\n'
          'defaultContentLanguage = "zh"\nhasCJKLanguage = true\ntitle = "帮助中心"\n'
          'disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]\n'
          '[markup.highlight]\ncodeFences = false\n')
    write(os.path.join(hugo, "layouts", "_default", "single.html"), HUGO_SINGLE)
    write(os.path.join(hugo, "layouts", "_default", "list.html"), HUGO_LIST)
    write(os.path.join(a.out, "SUMMARY.txt"),
          f"pages {a.n}\nquestions {questions}\nbody bytes {nbytes}\nsha256 {digest.hexdigest()}\n")
    print(f"{a.n} pages, {questions} questions, {nbytes / 1e6:.1f} MB of markdown in {a.out}")


if __name__ == "__main__":
    main()
