// The page shell shared by the three commands' HTML reports: one self-contained file (inline style
// and script, no external resource of any kind, so it opens from a file share or an air-gapped box),
// data for the script as escaped JSON, tables sortable by clicking a header.
import { esc, scriptJson } from './escape';

/** A table cell: plain text (escaped here), or markup a renderer built from escaped parts. */
export type Cell = string | number | { html: string; sort?: string | number };

export function table(id: string, headers: string[], rows: Cell[][]): string {
  const head = headers.map((h) => `<th>${esc(h)}</th>`).join('');
  const body = rows.map((r) => '<tr>' + r.map(cellHtml).join('') + '</tr>').join('\n');
  return `<table class="sortable" id="${esc(id)}"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function cellHtml(c: Cell): string {
  if (typeof c === 'object') return c.sort === undefined ? `<td>${c.html}</td>` : `<td data-sort="${esc(c.sort)}">${c.html}</td>`;
  return typeof c === 'number' ? `<td data-sort="${c}">${c}</td>` : `<td>${esc(c)}</td>`;
}

/** A WinDbg command to run next, with a copy button. */
export function command(text: string): string {
  return `<code class="cmd">${esc(text)}</code><button type="button" class="copy" data-copy="${esc(text)}">copy</button>`;
}

export interface Page {
  title: string;
  /** Verdict and summary lines, worded as the text report words them. */
  headline: string[];
  /** Body sections, already markup built from escaped parts. */
  sections: string[];
  /** The command's text report, shown collapsed at the end. */
  text: string;
  /** Data for the page's script (the wait graph's nodes and threads). */
  data?: unknown;
}

export function htmlPage(p: Page): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    // Nothing may load from anywhere: a page from a dump must not call out, even if markup slipped through.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">`,
    `<title>${esc(p.title)}</title>`,
    `<style>${CSS}</style></head><body>`,
    `<header><h1>${esc(p.title)}</h1>${p.headline.map((l, i) => `<p class="${i === 0 ? 'verdict' : 'summary'}">${esc(l)}</p>`).join('')}</header>`,
    p.sections.join('\n'),
    `<details><summary>Text report</summary><pre>${esc(p.text)}</pre></details>`,
    `<script type="application/json" id="wc-data">${scriptJson(p.data || {})}</script>`,
    `<script>${SCRIPT}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}

const CSS = [
  'body{font:13px/1.4 system-ui,sans-serif;margin:0 16px 24px;color:#222;background:#fff}',
  'h1{font-size:18px;margin:12px 0 4px}h2{font-size:15px;margin:18px 0 6px}',
  '.verdict{font:bold 14px monospace;margin:4px 0;color:#a00}.summary{font-family:monospace;margin:2px 0}',
  'pre,code{font-family:Consolas,monospace;font-size:12px}pre{white-space:pre-wrap;margin:0}',
  'table{border-collapse:collapse;margin:4px 0 12px}th,td{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}',
  'th{background:#eee;cursor:pointer;user-select:none}th:after{content:" \\2195";color:#999}',
  '.copy{margin-left:4px;font-size:11px}.cmd{background:#f4f4f4;padding:0 3px}',
  '#graph-box{overflow:auto;max-height:75vh;border:1px solid #ccc;margin:6px 0}',
  '#bar{position:sticky;top:0;background:#fff;padding:6px 0;z-index:2}#bar input{width:320px}',
  '#details{border:1px solid #999;padding:6px 10px;margin:6px 0;background:#fafafa;min-height:2em}',
  '.n{cursor:pointer}.n rect{fill:#eef4fb;stroke:#5a7fa8}.n.root rect{fill:#fff3d6;stroke:#b07b00}',
  '.n.cyc rect{fill:#fde2e2;stroke:#c00;stroke-width:2}.n.fold rect{fill:#e8f5e4;stroke:#3b7d2e;stroke-dasharray:4 2}',
  '.n.more rect{fill:#f0f0f0;stroke:#888;stroke-dasharray:2 2}.n.hit rect{stroke:#e60;stroke-width:4}.n.sel rect{stroke:#000;stroke-width:3}',
  '.n text{font:11px Consolas,monospace;fill:#222}.n .b{font-weight:bold}.n .end{fill:#8a4b00}',
  '.e path{fill:none;stroke:#777;stroke-width:1.2}.e text{font:10px Consolas,monospace;fill:#444}',
  '.e.cycle path{stroke:#c00;stroke-width:2.2}.e.cycle text{fill:#c00;font-weight:bold}.e.cross path{stroke-dasharray:5 3;stroke:#99a}',
  '.sev-error{color:#a00;font-weight:bold}.sev-warning{color:#a60}',
].join('');

// The page's script: plain ES5 so it runs in any browser; builds every node it shows with
// textContent (never innerHTML from data).
const SCRIPT = `(function(){
var D=JSON.parse(document.getElementById('wc-data').textContent),det=document.getElementById('details');
function el(t,x,c){var e=document.createElement(t);if(x!=null)e.textContent=x;if(c)e.className=c;return e}
function cmd(p,x){var c=el('code',x,'cmd'),b=el('button','copy','copy');b.type='button';b.setAttribute('data-copy',x);p.appendChild(c);p.appendChild(b)}
function list(title,items,f){if(!items||!items.length)return;det.appendChild(el('h3',title));var u=el('ul');items.forEach(function(x){var li=el('li');f?f(li,x):li.textContent=x;u.appendChild(li)});det.appendChild(u)}
function thread(a){var t=D.threads&&D.threads[a];det.innerHTML='';if(!t){det.appendChild(el('p','thread '+a));return}
det.appendChild(el('h3',t.label));det.appendChild(el('p',t.state+(t.age?'  '+t.age:'')));
if(t.end)det.appendChild(el('p','Doing: '+t.end));
list('Waits on',t.out);list('Waited on by',t.ins,function(li,x){var b=el('a',x[1]);b.href='#';b.onclick=function(e){e.preventDefault();thread(x[0])};li.appendChild(b)});
list('Holds',t.holds);list('Next commands',t.cmds,cmd);}
function node(i){var n=D.nodes[i];var s=document.querySelectorAll('.n.sel');for(var k=0;k<s.length;k++)s[k].classList.remove('sel');
var g=document.querySelector('.n[data-i="'+i+'"]');if(g)g.classList.add('sel');
if(n.t){thread(n.t);return}det.innerHTML='';det.appendChild(el('h3',n.label));
list(n.m.length+' threads',n.m,function(li,a){var t=D.threads[a],b=el('a',t?t.label:a);b.href='#';b.onclick=function(e){e.preventDefault();thread(a)};li.appendChild(b)});}
var svg=document.getElementById('graph');
if(svg){svg.addEventListener('click',function(e){var g=e.target.closest&&e.target.closest('.n');if(g)node(+g.getAttribute('data-i'))});
svg.addEventListener('keydown',function(e){var g=e.target.closest&&e.target.closest('.n');if(g&&(e.key==='Enter'||e.key===' ')){e.preventDefault();node(+g.getAttribute('data-i'))}});}
document.addEventListener('click',function(e){var b=e.target;if(!b.getAttribute||!b.hasAttribute('data-copy'))return;var x=b.getAttribute('data-copy');
if(navigator.clipboard&&navigator.clipboard.writeText)navigator.clipboard.writeText(x).catch(function(){});b.textContent='copied'});
var q=document.getElementById('search');
if(q)q.addEventListener('input',function(){var v=q.value.trim().toLowerCase(),gs=document.querySelectorAll('.n'),hits=0,first=null;
for(var k=0;k<gs.length;k++){var n=D.nodes[+gs[k].getAttribute('data-i')],h=v!==''&&n.s.indexOf(v)>=0;gs[k].classList.toggle('hit',h);if(h){hits++;first=first||gs[k]}}
document.getElementById('hits').textContent=v?hits+' matching node'+(hits===1?'':'s'):'';if(first&&first.scrollIntoView)first.scrollIntoView({block:'center',inline:'center'})});
var ts=document.querySelectorAll('table.sortable th');
for(var k=0;k<ts.length;k++)ts[k].addEventListener('click',function(){var th=this,tb=th.closest('table').tBodies[0],c=th.cellIndex,up=th.getAttribute('data-dir')!=='up';
th.setAttribute('data-dir',up?'up':'down');var rs=Array.prototype.slice.call(tb.rows);
function key(r){var d=r.cells[c];if(!d)return'';var s=d.getAttribute('data-sort');return s!=null&&s!==''&&!isNaN(+s)?+s:(s!=null?s:d.textContent)}
rs.sort(function(a,b){var x=key(a),y=key(b),r=typeof x==='number'&&typeof y==='number'?x-y:String(x).localeCompare(String(y));return up?r:-r});
rs.forEach(function(r){tb.appendChild(r)})});
})();`;
