"""The web player's poller and a published playlist: polled without the token, the API on a 404."""

from __future__ import annotations

import pytest

MODULES_PAGE = "<!doctype html><title>player modules</title>"


@pytest.fixture
def modules(browser, live_server: str):
    context = browser.new_context()
    page = context.new_page()
    page.route(
        f"{live_server}/player/modules-under-test",
        lambda route: route.fulfill(status=200, content_type="text/html", body=MODULES_PAGE),
    )
    page.goto(f"{live_server}/player/modules-under-test")
    yield page
    context.close()


def test_the_poller_polls_the_published_url_without_the_token_and_falls_back_on_404(
    modules,
) -> None:
    result = modules.evaluate(
        """async () => {
            const { Api } = await import("/player/api.js");
            const { Poller } = await import("/player/poller.js");
            const published = "/published/Zr4x.json";
            const playlist = (version, url) => ({
                version, valid_until: "2099-01-01T00:00:00Z", poll_after_s: 30,
                items: [], fallback: [], ...(url ? { published_url: url } : {}) });
            const requests = [];
            // The servers, as the player sees them: the file answers 200, then 304, then 404.
            let file = [200, 304, 404];
            const realFetch = window.fetch;
            window.fetch = async (url, options = {}) => {
                const headers = new Headers(options.headers || {});
                requests.push({ url, auth: headers.get("Authorization"),
                                match: headers.get("If-None-Match") });
                if (url === published) {
                    const status = file.shift();
                    const body = status === 200 ? JSON.stringify(playlist("v2", published)) : null;
                    return new Response(body, { status, headers: { ETag: '"file-1"' } });
                }
                return new Response(JSON.stringify(playlist("v1", published)),
                                    { status: 200, headers: { ETag: '"v1"' } });
            };
            try {
                const taken = [];
                const poller = new Poller({
                    api: new Api("secret-token"), version: null,
                    accept: async (p) => { taken.push(p.version); return true; },
                });
                poller.current = () => playlist("v2", published);
                for (let n = 0; n < 4; n += 1) await poller.poll();
                clearTimeout(poller.timer);
                return { requests, taken, published: poller.published };
            } finally {
                window.fetch = realFetch;
            }
        }"""
    )
    api, file = "/api/v1/player/playlist", "/published/Zr4x.json"
    requests = result["requests"]
    assert [r["url"] for r in requests] == [api, file, file, file, api]
    # The first poll asks the API, which names the published file; the file never gets the token.
    assert requests[0]["auth"] == "Bearer secret-token"
    assert all(r["auth"] is None for r in requests if r["url"] == file)
    # The file is asked with the ETag it gave last; after its 404 the API is asked in full (a
    # rotated token's new published_url comes with the same version), with the token.
    assert [r["match"] for r in requests[1:4]] == [None, '"file-1"', '"file-1"']
    assert requests[4] == {"url": api, "auth": "Bearer secret-token", "match": None}
    assert result["taken"] == ["v1", "v2", "v1"]
    assert result["published"] == file  # the API named it again


def test_without_a_published_url_the_poller_asks_the_api_only(modules) -> None:
    result = modules.evaluate(
        """async () => {
            const { Api } = await import("/player/api.js");
            const { Poller } = await import("/player/poller.js");
            const urls = [];
            const realFetch = window.fetch;
            window.fetch = async (url, options = {}) => {
                urls.push([url, new Headers(options.headers || {}).get("If-None-Match")]);
                return new Response(JSON.stringify({ version: "v1", poll_after_s: 30,
                    valid_until: "2099-01-01T00:00:00Z", items: [], fallback: [] }),
                    { status: 200 });
            };
            try {
                const poller = new Poller({ api: new Api("t"), version: "v0",
                                            accept: async () => true });
                await poller.poll();
                await poller.poll();
                clearTimeout(poller.timer);
                return urls;
            } finally {
                window.fetch = realFetch;
            }
        }"""
    )
    assert result == [["/api/v1/player/playlist", '"v0"'], ["/api/v1/player/playlist", '"v1"']]
