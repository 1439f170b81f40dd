/// The page templates (Mustache, HTML-escaped by default: `{{x}}` never emits markup from
/// data). Kept in the binary so an installed daemon needs no template directory. No script:
/// every action is a plain form, so the page works without JavaScript.
enum WebTemplates {
    static let all: [String: String] = [
        "layout": layout, "login": login, "queue": queue, "item": item, "audit": audit, "message": message, "account": account,
    ]

    static let layout = """
    <!DOCTYPE html>
    <html lang="{{t.lang}}">
    <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{{title}} — {{t.appName}}</title><link rel="stylesheet" href="/static/guichet.css"></head>
    <body>
    <header><a class="brand" href="/queue">{{t.appName}}</a>
    {{#user}}<nav><a href="/queue">{{t.queue}}</a>{{#isAdmin}} <a href="/audit">{{t.auditLog}}</a>{{/isAdmin}} <a href="/account">{{t.myAccount}}</a>
    <form method="post" action="/logout" class="inline"><input type="hidden" name="csrf" value="{{csrf}}">
    <span class="who">{{name}}</span> <button type="submit">{{t.signOut}}</button></form></nav>{{/user}}
    </header>
    <main>
    {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
    {{$body}}{{/body}}
    </main>
    </body></html>
    """

    static let login = """
    {{<layout}}{{$body}}
    <h1>{{t.signIn}}</h1>
    {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
    <form method="post" action="/login" class="card narrow">
    <input type="hidden" name="csrf" value="{{loginToken}}">
    <input type="hidden" name="next" value="{{next}}">
    <label>{{t.accountName}} <input name="name" autocomplete="username" required autofocus></label>
    <label>{{t.password}} <input type="password" name="password" autocomplete="current-password" required></label>
    <button type="submit">{{t.signIn}}</button>
    </form>
    {{/body}}{{/layout}}
    """

    static let queue = """
    {{<layout}}{{$body}}
    <h1>{{heading}} <small>({{total}} {{t.items}})</small></h1>
    <form method="get" action="/queue" class="filters">
    <label>{{t.pipeline}} <select name="pipeline"><option value="">{{t.allPipelines}}</option>
    {{#pipelines}}<option value="{{name}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/pipelines}}</select></label>
    <label>{{t.state}} <select name="state">{{#states}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/states}}</select></label>
    <button type="submit">{{t.filter}}</button>
    </form>
    {{#empty(rows)}}<p>{{t.nothingWaiting}}</p>{{/empty(rows)}}
    {{^empty(rows)}}<table class="queue"><thead><tr><th>{{t.document}}</th><th>{{t.pipeline}}</th><th>{{t.state}}</th><th>{{t.received}}</th><th>{{t.waiting}}</th></tr></thead><tbody>
    {{#rows}}<tr><td><a href="/items/{{id}}">{{name}}</a>{{#flagCount}} <span class="flag" title="{{t.flags}}">⚑ {{flagCount}}</span>{{/flagCount}}</td><td>{{pipeline}}</td><td>{{state}}</td><td>{{received}}</td><td>{{waiting}}</td></tr>
    {{/rows}}</tbody></table>{{/empty(rows)}}
    <p class="pager">{{#previousURL}}<a href="{{previousURL}}">← {{t.previous}}</a>{{/previousURL}} {{t.page}} {{pageNumber}} {{#nextURL}}<a href="{{nextURL}}">{{t.next}} →</a>{{/nextURL}}</p>
    {{/body}}{{/layout}}
    """

    static let item = """
    {{<layout}}{{$body}}
    <p><a href="/queue">← {{t.back}}</a></p>
    <h1>{{name}}</h1>
    <dl class="facts">
    <dt>{{t.pipeline}}</dt><dd>{{pipeline}}</dd><dt>{{t.state}}</dt><dd>{{state}}</dd>
    <dt>{{t.received}}</dt><dd>{{received}} ({{t.waiting}} {{waiting}})</dd>
    <dt>{{t.model}}</dt><dd>{{model}}</dd><dt>{{t.tokens}}</dt><dd>{{promptTokens}} / {{completionTokens}}</dd>
    <dt>{{t.timeSpent}}</dt><dd>{{timeSpent}}</dd>
    {{#decision}}<dt>{{t.decided}}</dt><dd>{{decision}}</dd>{{/decision}}
    {{#failure}}<dt>{{t.error}}</dt><dd class="error">{{failure}}</dd>{{/failure}}
    </dl>
    <p class="downloads"><a href="/items/{{id}}/source">{{t.download}} : {{t.source}}</a>
    {{#resultFiles}} · <a href="/items/{{id}}/result/{{index}}">{{t.download}} : {{name}}</a>{{/resultFiles}}</p>
    {{^empty(earlier)}}<p class="downloads">{{t.earlierVersions}} :{{#earlier}} <span>{{t.version}} {{version}} ({{#files}}<a href="/items/{{id}}/earlier/{{version}}/{{index}}">{{name}}</a> {{/files}})</span>{{/earlier}}</p>{{/empty(earlier)}}
    {{^empty(flags)}}<section class="flags"><h2>{{t.flags}}</h2><ul>{{#flags}}<li>⚑ {{.}}</li>{{/flags}}</ul></section>{{/empty(flags)}}
    {{^empty(corrections)}}<section><h2>{{t.corrections}} ({{count(corrections)}})</h2><table class="corrections"><tbody>
    {{#corrections}}<tr><td><del>{{before}}</del></td><td>→</td><td><ins>{{after}}</ins></td><td class="context">{{context}}</td></tr>{{/corrections}}
    </tbody></table></section>{{/empty(corrections)}}
    {{^empty(findings)}}<section><h2>{{t.findings}}</h2>
    {{#findings}}<article class="finding"><h3>{{category}} — {{statement}}</h3>
    {{#citations}}<blockquote class="{{#verified}}verified{{/verified}}{{^verified}}unverified{{/verified}}"><p>« {{quote}} » <span class="mark">{{mark}}</span>{{#page}} (p. {{page}}){{/page}}</p>
    {{#context}}<details><summary>{{t.quoteInContext}}</summary><p class="context">{{before}}<mark>{{match}}</mark>{{after}}</p></details>{{/context}}</blockquote>{{/citations}}
    </article>{{/findings}}</section>{{/empty(findings)}}
    <section><h2>{{t.sideBySide}}</h2>
    {{#empty(rows)}}<p>{{t.noSideBySide}}</p>{{/empty(rows)}}
    {{^empty(rows)}}<table class="pairs"><thead><tr><th>{{t.source}}</th><th>{{t.result}}</th></tr></thead><tbody>
    {{#rows}}<tr><td>{{#source}}{{#changed}}<del>{{text}}</del>{{/changed}}{{^changed}}{{text}}{{/changed}}{{/source}}</td><td>{{#result}}{{#changed}}<ins>{{text}}</ins>{{/changed}}{{^changed}}{{text}}{{/changed}}{{/result}}</td></tr>
    {{/rows}}</tbody></table>{{/empty(rows)}}
    {{#resultText}}<h3>{{t.result}}</h3><pre class="result">{{resultText}}</pre>{{/resultText}}
    </section>
    {{#canDecide}}<section class="actions"><h2>{{t.decided}}</h2>
    <form method="post" action="/items/{{id}}/approve" class="card"><input type="hidden" name="csrf" value="{{csrf}}">
    <label>{{t.approveComment}} <input name="comment" maxlength="1000"></label><button type="submit" class="approve">{{t.approve}}</button></form>
    <form method="post" action="/items/{{id}}/reject" class="card"><input type="hidden" name="csrf" value="{{csrf}}">
    <label>{{t.rejectReason}} <input name="reason" required maxlength="1000"></label><button type="submit" class="reject">{{t.reject}}</button></form>
    <form method="post" action="/items/{{id}}/rerun" class="card"><input type="hidden" name="csrf" value="{{csrf}}">
    <label>{{t.rerunInstruction}} <input name="instruction" required maxlength="2000"></label><button type="submit">{{t.rerun}}</button></form>
    {{#editText}}<form method="post" action="/items/{{id}}/edit" class="card"><input type="hidden" name="csrf" value="{{csrf}}">
    <label>{{t.editResult}}<textarea name="text" rows="16">{{editText}}</textarea></label><button type="submit">{{t.saveEdit}}</button></form>{{/editText}}
    {{#acceptsUpload}}<form method="post" action="/items/{{id}}/upload" enctype="multipart/form-data" class="card"><input type="hidden" name="csrf" value="{{csrf}}">
    <label>{{t.uploadDOCX}} <input type="file" name="file" accept=".docx" required></label><button type="submit">{{t.upload}}</button></form>{{/acceptsUpload}}
    </section>{{/canDecide}}
    <section><h2>{{t.history}}</h2><table class="audit"><thead><tr><th>{{t.when}}</th><th>{{t.who}}</th><th>{{t.action}}</th><th>{{t.model}}</th><th>{{t.tokens}}</th><th>{{t.detail}}</th></tr></thead><tbody>
    {{#audit}}<tr><td>{{at}}</td><td>{{actor}}</td><td>{{action}}</td><td>{{model}}</td><td>{{tokens}}</td><td>{{detail}}</td></tr>{{/audit}}
    </tbody></table></section>
    {{/body}}{{/layout}}
    """

    static let audit = """
    {{<layout}}{{$body}}
    <h1>{{t.auditLog}}</h1>
    <table class="audit"><thead><tr><th>{{t.when}}</th><th>{{t.who}}</th><th>{{t.action}}</th><th>{{t.document}}</th><th>{{t.model}}</th><th>{{t.tokens}}</th><th>{{t.detail}}</th></tr></thead><tbody>
    {{#entries}}<tr><td>{{at}}</td><td>{{actor}}</td><td>{{action}}</td><td><a href="/items/{{jobID}}">{{jobID}}</a></td><td>{{model}}</td><td>{{tokens}}</td><td>{{detail}}</td></tr>{{/entries}}
    </tbody></table>
    <p class="pager">{{#previousURL}}<a href="{{previousURL}}">← {{t.previous}}</a>{{/previousURL}} {{t.page}} {{pageNumber}} {{#nextURL}}<a href="{{nextURL}}">{{t.next}} →</a>{{/nextURL}}</p>
    {{/body}}{{/layout}}
    """

    static let account = """
    {{<layout}}{{$body}}
    <h1>{{t.myAccount}}</h1>
    <p>{{t.accountName}} : <strong>{{name}}</strong> ({{role}}){{#pipelines}} — {{t.pipeline}} : {{pipelines}}{{/pipelines}}</p>
    <h2>{{t.changePassword}}</h2>
    {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
    <form method="post" action="/account/password" class="card narrow">
    {{#user}}<input type="hidden" name="csrf" value="{{csrf}}">{{/user}}
    <input type="text" name="username" value="{{name}}" autocomplete="username" hidden>
    <label>{{t.currentPassword}} <input type="password" name="current" autocomplete="current-password" required></label>
    <label>{{t.newPassword}} <input type="password" name="new" autocomplete="new-password" minlength="10" required></label>
    <label>{{t.confirmPassword}} <input type="password" name="confirm" autocomplete="new-password" minlength="10" required></label>
    <button type="submit">{{t.changePassword}}</button>
    </form>
    {{/body}}{{/layout}}
    """

    static let message = """
    {{<layout}}{{$body}}
    <h1>{{title}}</h1><p class="error">{{text}}</p><p><a href="/queue">← {{t.back}}</a></p>
    {{/body}}{{/layout}}
    """

    static let css = """
    body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1b1b1b;background:#f6f6f4}
    header{display:flex;justify-content:space-between;align-items:center;padding:.6rem 1.5rem;background:#000091;color:#fff}
    header a{color:#fff;margin-right:1rem}.brand{font-weight:700;font-size:1.2rem;text-decoration:none}
    nav{display:flex;align-items:center}.inline{display:inline;margin-left:1rem}.who{margin-right:.5rem}
    main{max-width:1280px;margin:0 auto;padding:1rem 1.5rem}
    table{border-collapse:collapse;width:100%;background:#fff}th,td{border:1px solid #ddd;padding:.4rem .6rem;text-align:left;vertical-align:top}
    table.pairs td{width:50%;white-space:pre-wrap}del{background:#fdd;text-decoration:line-through}ins{background:#dfd;text-decoration:none}
    .card{background:#fff;border:1px solid #ddd;padding:1rem;margin:.8rem 0;display:flex;flex-direction:column;gap:.5rem}
    .narrow{max-width:24rem}label{display:flex;flex-direction:column;gap:.2rem}textarea{font:inherit;width:100%}
    button{font:inherit;padding:.4rem 1rem;cursor:pointer;align-self:flex-start}.approve{background:#18753c;color:#fff}.reject{background:#ce0500;color:#fff}
    .error{color:#ce0500}.notice{background:#e8edff;padding:.6rem}.flag{color:#b34000}.filters{display:flex;gap:1rem;align-items:flex-end;margin-bottom:1rem}
    .facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}.facts dt{font-weight:600}
    blockquote.unverified{border-left:4px solid #ce0500;padding-left:.6rem}blockquote.verified{border-left:4px solid #18753c;padding-left:.6rem}
    pre.result{white-space:pre-wrap;background:#fff;border:1px solid #ddd;padding:1rem}.context{color:#555}
    """
}
