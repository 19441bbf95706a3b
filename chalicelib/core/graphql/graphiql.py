"""GraphiQL for local development, from npm packages installed on this machine
(the CDN the stock page uses is unreachable offline). Not served outside local."""
from __future__ import annotations

from pathlib import Path

from chalice.app import Response

from chalicelib.core.settings import settings

# name in the URL -> file inside the npm install; nothing else is ever read.
ASSETS = {
    "react.js": ("react/umd/react.production.min.js", "application/javascript"),
    "react-dom.js": ("react-dom/umd/react-dom.production.min.js", "application/javascript"),
    "graphiql.js": ("graphiql/graphiql.min.js", "application/javascript"),
    "graphiql.css": ("graphiql/graphiql.min.css", "text/css"),
}

PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Tuanstack GraphiQL (local)</title>
  <link rel="stylesheet" href="/graphiql/assets/graphiql.css">
  <style>body{margin:0;height:100vh}#graphiql{height:100vh}</style>
</head>
<body>
  <div id="graphiql">Loading GraphiQL...</div>
  <script src="/graphiql/assets/react.js"></script>
  <script src="/graphiql/assets/react-dom.js"></script>
  <script src="/graphiql/assets/graphiql.js"></script>
  <script>
    const fetcher = GraphiQL.createFetcher({ url: "/graphql" });
    const root = ReactDOM.createRoot(document.getElementById("graphiql"));
    root.render(React.createElement(GraphiQL, {
      fetcher,
      defaultQuery: `# Tuanstack (local). Log in with loginWithWechat(input: {code: "demo:alice"}) and put
# {"Authorization": "Bearer <token>"} in Headers below. More in graphql/operations/.
{
  categories {
    name
    children {
      name
      products(first: 5) {
        edges { node { id name skus { code price { amount currency } inStock } } }
      }
    }
  }
  deals(first: 5) {
    edges { node { id teamSize product { name } prices { price { amount currency } } } }
  }
}
`,
      shouldPersistHeaders: true,
    }));
  </script>
</body>
</html>
"""

_NOT_FOUND = Response("Not found", status_code=404, headers={"Content-Type": "text/plain"})


def _assets_dir() -> Path | None:
    config = settings()
    if not config.is_local or not config.graphiql_assets_dir:
        return None
    return Path(config.graphiql_assets_dir)


def graphiql_page() -> Response:
    if _assets_dir() is None:
        return _NOT_FOUND
    return Response(PAGE, status_code=200, headers={"Content-Type": "text/html; charset=utf-8"})


def graphiql_asset(name: str) -> Response:
    root = _assets_dir()
    if root is None or name not in ASSETS:
        return _NOT_FOUND
    relative, content_type = ASSETS[name]
    path = root / relative
    if not path.is_file():
        return _NOT_FOUND
    return Response(path.read_text(encoding="utf-8"), status_code=200,
                    headers={"Content-Type": f"{content_type}; charset=utf-8", "Cache-Control": "max-age=3600"})
