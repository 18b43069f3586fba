// dom.js: building elements without HTML strings. Every string child becomes a text node, so
// user data is never parsed as markup (no innerHTML anywhere in the site).

// A URL from data is kept when relative or http(s)/mailto/tel; any other scheme is dropped.
// Browsers ignore tabs, line breaks and leading controls in a URL, so they are removed first.
const safeURL = (raw) => {
  const u = raw.replace(/[\s\x00-\x1f]/g, '');
  return !/^[a-z][a-z0-9+.-]*:/i.test(u) || /^(?:https?|mailto|tel):/i.test(u);
};

// h(tag, attrs, ...children): attrs may hold class, id, for, href, type, name, value, checked,
// selected, disabled, hidden, data-*, aria-*, any other plain attribute, and on:<event>
// handlers. Children: strings, numbers, nodes, arrays of them; null, undefined and false are
// skipped.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  let value;
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k.startsWith('on:')) el.addEventListener(k.slice(3), v);
    else if (k === 'class') el.className = Array.isArray(v) ? v.filter(Boolean).join(' ') : v;
    else if (k === 'value') value = v;
    else if (k === 'checked' || k === 'selected' || k === 'disabled' || k === 'hidden' || k === 'required' || k === 'multiple') {
      el[k] = true;
      el.setAttribute(k, '');
    } else if ((k === 'href' || k === 'src' || k === 'action') && !safeURL(String(v))) {
      el.setAttribute(k, '#'); // never a javascript: or other scheme from data
    } else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  if (value !== undefined) {
    el.value = String(value); // after the options of a select exist
    if (tag !== 'select' && tag !== 'textarea') el.setAttribute('value', String(value));
  }
  return el;
}

// append adds children (as h does) to el and returns el.
export function append(el, ...children) {
  for (const c of children.flat(Infinity)) {
    if (c == null || c === false || c === true) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

// clear removes every child of el and returns it.
export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

// replace clears el and appends children: the usual way to re-render a region.
export function replace(el, ...children) {
  return append(clear(el), ...children);
}

let seq = 0;
// uid gives a fresh element id with prefix.
export const uid = (prefix = 'f') => `${prefix}-${++seq}`;

// params reads the page's query string.
export const params = () => new URLSearchParams(location.search);
