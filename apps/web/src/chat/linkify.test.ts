import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { linkify, splitLinks } from './linkify';

const html = (text: string) => renderToStaticMarkup(linkify(text));

describe('splitLinks', () => {
  it('keeps text without links as one plain part', () => {
    expect(splitLinks('hello')).toEqual([{ kind: 'text', text: 'hello' }]);
    expect(splitLinks('')).toEqual([]);
  });

  it('finds http and https links between plain text', () => {
    expect(splitLinks('see https://example.com/a?b=1#c and http://x.test/')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.com/a?b=1#c', href: 'https://example.com/a?b=1#c' },
      { kind: 'text', text: ' and ' },
      { kind: 'link', text: 'http://x.test/', href: 'http://x.test/' },
    ]);
  });

  it('leaves sentence punctuation, unbalanced parens and Japanese text outside the link', () => {
    expect(splitLinks('Go to https://example.com.')[1]).toMatchObject({ text: 'https://example.com' });
    expect(splitLinks('(see https://example.com/x)')[1]).toMatchObject({ text: 'https://example.com/x' });
    expect(splitLinks('https://en.wikipedia.org/wiki/Foo_(bar)!')[0]).toMatchObject({
      text: 'https://en.wikipedia.org/wiki/Foo_(bar)',
    });
    expect(splitLinks('資料はhttps://example.com/docsです。')).toEqual([
      { kind: 'text', text: '資料は' },
      { kind: 'link', text: 'https://example.com/docs', href: 'https://example.com/docs' },
      { kind: 'text', text: 'です。' },
    ]);
  });

  it('links nothing but http(s)', () => {
    for (const text of [
      'javascript:alert(1)',
      'JavaScript://%0aalert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
      'ftp://example.com/file',
      'mailto:a@example.com',
      'https://',
      'xhttps://example.com',
    ]) {
      expect(
        splitLinks(text).filter((p) => p.kind === 'link'),
        text,
      ).toEqual([]);
    }
  });
});

describe('linkify', () => {
  it('shows HTML-looking text literally', () => {
    expect(html('<b>x</b>')).toBe('&lt;b&gt;x&lt;/b&gt;');
    expect(html('<script>alert(1)</script>')).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html('<img src=x onerror=alert(1)>')).not.toContain('<img');
    expect(html('a & b "c"')).toBe('a &amp; b &quot;c&quot;');
  });

  it('renders links that open in a new tab without access to this page', () => {
    expect(html('docs: https://example.com/a')).toBe(
      'docs: <a href="https://example.com/a" target="_blank" rel="noopener noreferrer">https://example.com/a</a>',
    );
  });

  it('cannot be broken out of through the link', () => {
    const out = html('https://example.com/"><script>alert(1)</script>');
    expect(out).not.toContain('<script');
    expect(out).toContain('href="https://example.com/"');
    const quoted = html("https://example.com/?q='onmouseover=alert(1)");
    expect(quoted).not.toMatch(/<a [^>]*\sonmouseover=/);
    expect(quoted).toContain('href="https://example.com/?q=%27onmouseover=alert(1)"');
  });

  it('never links a javascript: URL', () => {
    expect(html('javascript:alert(document.cookie)')).toBe('javascript:alert(document.cookie)');
    expect(html('click <a href="javascript:alert(1)">me</a>')).not.toContain('<a');
  });
});
