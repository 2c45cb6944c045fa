import {
  attributesOf,
  childrenOf,
  findAll,
  macroParameters,
  parseStorage,
  tableRows,
  textOf,
} from '../../../../lab/atlassian/confluence/storage-xml.js';
import { code, expand, fragment, h, jiraIssue, link, p, status, table, text, warning } from './index.js';

const SCRIPT = '<script>alert(1)</script>';
const HOSTILE = `${SCRIPT} & "quoted" 'single' ]]> </p><p>`;

describe('storage format builder', () => {
  it('escapes hostile text in paragraphs and headings so it reads back as text', () => {
    const nodes = parseStorage(fragment(h(2, HOSTILE), p(HOSTILE), text(HOSTILE)).xml);
    expect(findAll(nodes, 'script')).toHaveLength(0);
    expect(textOf(findAll(nodes, 'h2'))).toBe(HOSTILE);
    expect(textOf(findAll(nodes, 'p'))).toBe(HOSTILE);
  });

  it('keeps code bodies verbatim, even with ]]> inside, and escapes the macro title', () => {
    const body = `[DEFAULT]\nadmin_token = ********\nx = a]]>b ]]]]> & <tag>\n`;
    const xml = code({ language: 'ini', title: `/etc/"odd" & ${SCRIPT}`, body }).xml;
    const [macro] = findAll(parseStorage(xml), 'ac:structured-macro');
    expect(attributesOf(macro!)['ac:name']).toBe('code');
    expect(macroParameters(macro!)).toEqual({ language: 'ini', title: `/etc/"odd" & ${SCRIPT}` });
    expect(textOf(findAll(childrenOf(macro!), 'ac:plain-text-body'))).toBe(body);
  });

  it('builds tables whose cells come back as the original values', () => {
    const xml = table(
      ['Name', `a"b'c`],
      [
        [HOSTILE, 'demo'],
        ['admin', p('already a paragraph')],
      ],
    ).xml;
    const [tableNode] = findAll(parseStorage(xml), 'table');
    expect(tableRows(tableNode!)).toEqual([
      ['Name', `a"b'c`],
      [HOSTILE.trim(), 'demo'],
      ['admin', 'already a paragraph'],
    ]);
    expect(findAll(parseStorage(xml), 'p')).toHaveLength(6);
  });

  it('wraps inline lozenges in a paragraph but not block macros', () => {
    const xml = table(['Status', 'Config'], [[status({ colour: 'Green', title: 'Done' }), code({ language: 'ini', body: 'a = 1' })]]).xml;
    const cells = findAll(parseStorage(xml), 'td');
    expect(childrenOf(cells[0]!).map((node) => Object.keys(node)[0])).toEqual(['p']);
    expect(childrenOf(cells[1]!).map((node) => Object.keys(node)[0])).toEqual(['ac:structured-macro']);
  });

  it('writes status lozenges, panels and expands with escaped parameters', () => {
    const xml = fragment(
      status({ colour: 'Green', title: `done & "dusted"` }),
      warning(p(HOSTILE), `Failed: ${SCRIPT}`),
      expand(`Output of "x" & y`, p('tail')),
    ).xml;
    const macros = findAll(parseStorage(xml), 'ac:structured-macro');
    expect(macros.map((macro) => attributesOf(macro)['ac:name'])).toEqual(['status', 'warning', 'expand']);
    expect(macroParameters(macros[0]!)).toEqual({ colour: 'Green', title: `done & "dusted"` });
    expect(macroParameters(macros[1]!).title).toBe(`Failed: ${SCRIPT}`);
    expect(textOf(findAll(childrenOf(macros[1]!), 'ac:rich-text-body'))).toBe(HOSTILE);
    expect(macroParameters(macros[2]!).title).toBe(`Output of "x" & y`);
  });

  it('escapes link targets and refuses script URLs', () => {
    const nodes = parseStorage(fragment(link(`https://jira.example.com/?a=1&b="2"`, HOSTILE), link('javascript:alert(1)', 'click')).xml);
    const anchors = findAll(nodes, 'a');
    expect(anchors).toHaveLength(1);
    expect(attributesOf(anchors[0]!).href).toBe(`https://jira.example.com/?a=1&b="2"`);
    expect(textOf(anchors)).toBe(HOSTILE);
    expect(textOf(nodes)).toContain('click');
  });

  it('links JIRA issues to their browse page', () => {
    const [anchor] = findAll(parseStorage(jiraIssue('OPS-12', 'https://example.atlassian.net/').xml), 'a');
    expect(attributesOf(anchor!).href).toBe('https://example.atlassian.net/browse/OPS-12');
  });

  it('self-closes empty elements', () => {
    expect(p().xml).toBe('<p/>');
  });
});
