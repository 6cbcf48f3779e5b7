/* faqtory refund-eligibility calculator (no framework).
 *
 * Finds every element with data-widget="refund-calculator" and turns it into
 * a form whose answer comes from the refund engine compiled to wasm
 * (crates/refund-wasm): the same Rust code as `faqtory refund`.
 *
 * Attributes on the widget element, else on its .refund-fallback child (the
 * build writes them there), else defaults:
 *   data-rules-url  the rules JSON (default: <base>assets/refund-rules.json)
 *   data-wasm-url   the engine (default: refund.wasm next to the rules JSON)
 *   data-base       the site's base path, put in front of clause links that
 *                   start with "/" (default: "/")
 *   data-lang       "zh-CN" or "en" (default: <html lang>)
 * The form state lives in the URL query: category, purchased, on, completed,
 * pf, uf (pf/uf: comma-separated ids), so a link opens with its answer shown.
 *
 * Loaded without a DOM (Node's vm, in tests), it only defines
 * globalThis.faqtoryRefund = { instantiate(bytes) -> Promise<Engine> }.
 */
(function () {
  'use strict';

  var enc = new TextEncoder();
  var dec = new TextDecoder();

  // ------------------------------------------------------------ wasm glue
  function Engine(instance) {
    this.ex = instance.exports;
  }
  Engine.prototype.put = function (text) {
    var bytes = enc.encode(text);
    var ptr = this.ex.alloc(bytes.length);
    if (!ptr) throw new Error('refund.wasm: out of memory');
    new Uint8Array(this.ex.memory.buffer, ptr, bytes.length).set(bytes);
    return { ptr: ptr, len: bytes.length };
  };
  /* rulesText: the rules JSON as served; request: an object
     {category, purchased, on, completed_on, provider_faults, user_faults, lang}.
     Returns the outcome object or {error: {code, message}}. */
  Engine.prototype.evaluate = function (rulesText, request) {
    var ex = this.ex;
    var a = this.put(rulesText);
    var b = this.put(JSON.stringify(request));
    var packed = BigInt.asUintN(64, BigInt(ex.evaluate(a.ptr, a.len, b.ptr, b.len)));
    ex.dealloc(a.ptr, a.len);
    ex.dealloc(b.ptr, b.len);
    var ptr = Number(packed & BigInt(0xffffffff));
    var len = Number(packed >> BigInt(32));
    if (!ptr) throw new Error('refund.wasm: out of memory');
    var out = dec.decode(new Uint8Array(ex.memory.buffer, ptr, len).slice());
    ex.dealloc(ptr, len);
    return JSON.parse(out);
  };
  function instantiate(bytes) {
    return WebAssembly.instantiate(bytes, {}).then(function (r) {
      return new Engine(r.instance);
    });
  }
  globalThis.faqtoryRefund = { instantiate: instantiate };

  if (typeof document === 'undefined') return;

  // ------------------------------------------------------------ words
  var WORDS = {
    zh: {
      category: '商品类目', purchased: '购买日期', on: '申请退款日期',
      completed_until_delivery: '交付完成日期', completed_until_confirmation: '服务确认完成日期',
      completed_hint: '尚未完成请留空',
      pf: '服务商存在的情形（任一即可全额退款）', uf: '用户存在的情形（任一即不支持全额退款）',
      full: '可以全额退款', partial: '不支持全额退款：可与服务商协商，退还未产生的资费',
      none: '不支持退款', reasons: '依据', rules: '查看全部退款规则',
      ends: function (d) { return '复议期至 ' + d + '（含当日）'; },
      running: '尚未完成，仍在复议期内', noPeriod: '该类目没有复议期',
      empty: '购买当日即已完成，复议期已结束',
      need: '请选择购买日期。', loading: '正在加载退款计算器…',
      failed: '退款计算器加载失败，请参阅下面的规则表。', copy: '复制链接', copied: '已复制',
      title: '退款计算器', sep: '：'
    },
    en: {
      category: 'Product category', purchased: 'Purchase date', on: 'Refund request date',
      completed_until_delivery: 'Delivery completed on', completed_until_confirmation: 'Service confirmed complete on',
      completed_hint: 'Leave empty if not completed yet',
      pf: 'The provider… (any one: full refund)', uf: 'The user… (any one: no full refund)',
      full: 'Full refund', partial: 'No full refund: a negotiated refund of the fees not yet incurred',
      none: 'Not refundable', reasons: 'Why', rules: 'All refund rules',
      ends: function (d) { return 'Review period ends ' + d + ' (inclusive)'; },
      running: 'Not completed yet: the review period is still running', noPeriod: 'This category has no review period',
      empty: 'Completed on the purchase day: the review period is over',
      need: 'Choose the purchase date.', loading: 'Loading the refund calculator…',
      failed: 'The refund calculator could not load; see the rules table below.', copy: 'Copy link', copied: 'Copied',
      title: 'Refund calculator', sep: ': '
    }
  };

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (attrs[k] === false || attrs[k] == null) return;
        if (k === 'text') e.textContent = attrs[k];
        else e.setAttribute(k, attrs[k] === true ? '' : attrs[k]);
      });
    }
    (children || []).forEach(function (c) { if (c) e.appendChild(c); });
    return e;
  }

  /* Today in the rules' zone (minutes east of UTC; UTC+8 by default). */
  function parseOffset(tz) {
    if (!tz) return 480;
    var m = /^(?:UTC|GMT)?([+-])(\d{1,2})(?::(\d{2}))?$/.exec(String(tz).trim());
    if (!m) return 480;
    var mins = Number(m[2]) * 60 + Number(m[3] || 0);
    return m[1] === '-' ? -mins : mins;
  }
  function today(offsetMinutes) {
    return new Date(Date.now() + offsetMinutes * 60000).toISOString().slice(0, 10);
  }

  function splitIds(values) {
    var out = [];
    values.forEach(function (v) {
      String(v).split(',').forEach(function (id) {
        id = id.trim();
        if (id && out.indexOf(id) < 0) out.push(id);
      });
    });
    return out;
  }

  var counter = 0;

  function setup(host) {
    var n = ++counter;
    // Settings: on the widget element, else on the build's fallback table.
    var inner = host.querySelector('.refund-fallback');
    var attr = function (name) {
      return host.getAttribute(name) || (inner && inner.getAttribute(name)) || '';
    };
    var langAttr = attr('data-lang') || document.documentElement.lang || 'zh-CN';
    var lang = /^en/i.test(langAttr) ? 'en' : 'zh';
    var w = WORDS[lang];
    var base = attr('data-base') || '/';
    var rulesUrl = attr('data-rules-url') || base.replace(/\/?$/, '/') + 'assets/refund-rules.json';
    var wasmUrl = attr('data-wasm-url') ||
      new URL('refund.wasm', new URL(rulesUrl, document.baseURI)).href;
    var syncUrl = n === 1; // one query string per page: the first widget owns it

    // Keep the no-JS rules table, folded under the form.
    var fallback = document.createDocumentFragment();
    while (host.firstChild) fallback.appendChild(host.firstChild);
    var status = el('p', { 'class': 'refund-status', text: w.loading });
    host.appendChild(status);
    host.classList.add('refund-widget');

    function link(url) {
      return /^\/(?!\/)/.test(url) ? base.replace(/\/$/, '') + url : url;
    }

    Promise.all([
      fetch(rulesUrl).then(function (r) {
        if (!r.ok) throw new Error(rulesUrl + ': HTTP ' + r.status);
        return r.text();
      }),
      fetch(wasmUrl).then(function (r) {
        if (!r.ok) throw new Error(wasmUrl + ': HTTP ' + r.status);
        return r.arrayBuffer();
      }).then(instantiate)
    ]).then(function (loaded) {
      build(loaded[0], JSON.parse(loaded[0]), loaded[1]);
    }).catch(function (e) {
      status.textContent = w.failed;
      status.classList.add('refund-error');
      host.appendChild(fallback);
      if (typeof console !== 'undefined') console.error('refund calculator:', e);
    });

    function build(rulesText, rules, engine) {
      var offset = parseOffset(rules.timezone);
      var id = function (s) { return 'refund-' + n + '-' + s; };
      var byId = {};
      rules.categories.forEach(function (c) { byId[c.id] = c; });

      var select = el('select', { id: id('category'), name: 'category' },
        rules.categories.map(function (c) {
          return el('option', { value: c.id, text: c.label[lang] });
        }));
      var purchased = el('input', { type: 'date', id: id('purchased'), name: 'purchased', required: true });
      var on = el('input', { type: 'date', id: id('on'), name: 'on', value: today(offset) });
      var completed = el('input', { type: 'date', id: id('completed'), name: 'completed', 'aria-describedby': id('completed-hint') });
      var completedLabel = el('label', { 'for': id('completed') });
      var completedRow = el('div', { 'class': 'refund-field refund-completed' }, [
        completedLabel, completed,
        el('small', { id: id('completed-hint'), 'class': 'refund-hint', text: w.completed_hint })
      ]);
      // Each list folds into a disclosure (the form stays short on a phone);
      // it opens by itself when a link pre-checks one of its boxes.
      function boxes(list, name, legend) {
        var count = el('span', { 'class': 'refund-count' });
        var fieldset = el('fieldset', { 'class': 'refund-situations refund-' + name },
          [el('legend', { 'class': 'refund-sr-only', text: legend })]
            .concat(list.map(function (s) {
              var box = el('input', { type: 'checkbox', name: name, value: s.id, id: id(name + '-' + s.id) });
              return el('div', { 'class': 'refund-check' }, [box, el('label', { 'for': id(name + '-' + s.id), text: s.label[lang] })]);
            })));
        var details = el('details', { 'class': 'refund-situations-box' },
          [el('summary', null, [document.createTextNode(legend), count]), fieldset]);
        details.count = count;
        return details;
      }
      var pfBox = boxes(rules.provider_situations, 'pf', w.pf);
      var ufBox = boxes(rules.user_situations, 'uf', w.uf);
      var form = el('form', { 'class': 'refund-form', novalidate: true, 'aria-label': w.title }, [
        el('div', { 'class': 'refund-field' }, [el('label', { 'for': id('category'), text: w.category }), select]),
        el('div', { 'class': 'refund-field' }, [el('label', { 'for': id('purchased'), text: w.purchased }), purchased]),
        el('div', { 'class': 'refund-field' }, [el('label', { 'for': id('on'), text: w.on }), on]),
        completedRow,
        pfBox,
        ufBox
      ]);
      form.addEventListener('submit', function (e) { e.preventDefault(); });
      var result = el('div', { 'class': 'refund-result', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' });
      var details = el('details', { 'class': 'refund-all-rules' }, [el('summary', { text: w.rules })]);
      details.appendChild(fallback);
      host.replaceChild(form, status);
      host.appendChild(result);
      host.appendChild(details);

      function checked(name) {
        return Array.prototype.filter.call(form.querySelectorAll('input[name="' + name + '"]'),
          function (b) { return b.checked; }).map(function (b) { return b.value; });
      }

      // Pre-fill from the URL.
      var q = new URLSearchParams(location.search);
      if (q.get('category') && byId[q.get('category')]) select.value = q.get('category');
      if (q.get('purchased')) purchased.value = q.get('purchased');
      if (q.get('on')) on.value = q.get('on');
      if (q.get('completed')) completed.value = q.get('completed');
      [['pf', pfBox], ['uf', ufBox]].forEach(function (pair) {
        var ids = splitIds(q.getAll(pair[0]));
        Array.prototype.forEach.call(form.querySelectorAll('input[name="' + pair[0] + '"]'), function (b) {
          b.checked = ids.indexOf(b.value) >= 0;
          if (b.checked) pair[1].open = true;
        });
      });
      // A date input rejects what is not a real date: keep the raw value in
      // the URL so the engine can say what is wrong with it.
      var raw = { purchased: q.get('purchased'), on: q.get('on'), completed: q.get('completed') };
      function value(input, key) {
        return input.value || raw[key] || '';
      }

      function kindOf(cat) {
        var rp = cat && cat.review_period;
        return typeof rp === 'string' ? rp : 'days';
      }

      function update(fromUser) {
        if (fromUser) raw = {};
        var cat = byId[select.value];
        var kind = kindOf(cat);
        var hasCompletion = kind === 'until_delivery' || kind === 'until_confirmation';
        completedRow.hidden = !hasCompletion;
        completedLabel.textContent = hasCompletion ? w['completed_' + kind] : '';
        var state = {
          category: select.value,
          purchased: value(purchased, 'purchased'),
          on: value(on, 'on') || today(offset),
          completed: hasCompletion ? value(completed, 'completed') : '',
          pf: checked('pf'),
          uf: checked('uf')
        };
        pfBox.count.textContent = state.pf.length ? ' (' + state.pf.length + ')' : '';
        ufBox.count.textContent = state.uf.length ? ' (' + state.uf.length + ')' : '';
        // The URL changes only when the reader changes the form: a plain
        // visit keeps a plain URL, a shared link keeps its query.
        if (syncUrl && fromUser) writeUrl(state);
        render(state);
      }

      function writeUrl(s) {
        var p = new URLSearchParams(location.search);
        ['category', 'purchased', 'on', 'completed', 'pf', 'uf'].forEach(function (k) { p.delete(k); });
        p.set('category', s.category);
        if (s.purchased) p.set('purchased', s.purchased);
        if (s.on && s.on !== today(offset)) p.set('on', s.on);
        if (s.completed) p.set('completed', s.completed);
        if (s.pf.length) p.set('pf', s.pf.join(','));
        if (s.uf.length) p.set('uf', s.uf.join(','));
        var qs = p.toString();
        history.replaceState(history.state, '', location.pathname + (qs ? '?' + qs : '') + location.hash);
      }

      function render(s) {
        result.textContent = '';
        if (!s.purchased) {
          result.appendChild(el('p', { 'class': 'refund-prompt', text: w.need }));
          result.setAttribute('data-verdict', '');
          return;
        }
        var out;
        try {
          out = engine.evaluate(rulesText, {
            category: s.category, purchased: s.purchased, on: s.on,
            completed_on: s.completed || null, provider_faults: s.pf, user_faults: s.uf,
            lang: lang
          });
        } catch (e) {
          out = { error: { code: 'internal', message: String(e && e.message || e) } };
        }
        if (out.error) {
          result.setAttribute('data-verdict', 'error');
          result.appendChild(el('p', { 'class': 'refund-error', role: 'alert', text: out.error.message }));
          return;
        }
        result.setAttribute('data-verdict', out.verdict);
        result.appendChild(el('p', { 'class': 'refund-verdict refund-verdict-' + out.verdict },
          [el('strong', { text: w[out.verdict] })]));
        var rp = out.review_period;
        var periodText = rp.kind === 'none' ? w.noPeriod
          : rp.ends == null ? w.running
            : rp.ends < s.purchased ? w.empty
              : w.ends(rp.ends);
        result.appendChild(el('p', { 'class': 'refund-period', 'data-ends': rp.ends || '', text: periodText }));
        result.appendChild(el('p', { 'class': 'refund-reasons-title', text: w.reasons }));
        result.appendChild(el('ol', { 'class': 'refund-reasons' }, out.reasons.map(function (r) {
          var li = el('li');
          li.appendChild(el('a', { href: link(r.url), text: r.clause }));
          li.appendChild(document.createTextNode(w.sep + r.text));
          return li;
        })));
      }

      form.addEventListener('input', function () { update(true); });
      form.addEventListener('change', function () { update(true); });
      update(false);
    }
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll('[data-widget="refund-calculator"]'), setup);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
