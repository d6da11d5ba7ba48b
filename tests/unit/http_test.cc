// SPDX-License-Identifier: MIT
// Request framing (lengths, chunked, gzip, limits) and routing answers (404, 405, JSON errors),
// fed byte by byte and in one piece: the loop may deliver any split.
#include "http_router.h"

#include <zlib.h>

#include "catch.h"
#include "test_util.h"
#include <cstring>
#include <string>

namespace freenahi {
namespace {

RequestReader::State FeedAll(RequestReader* reader, const std::string& bytes, bool one_by_one) {
  if (!one_by_one) return reader->Feed(bytes.data(), bytes.size());
  for (char c : bytes) reader->Feed(&c, 1);
  return reader->state();
}

const HttpLimits kSmall{256, 1000};

TEST_CASE("http: a Content-Length request completes with its body, in any split", "[http]") {
  for (bool split : {false, true}) {
    RequestReader reader(kSmall);
    std::string req = "POST /webhook/x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello";
    REQUIRE(FeedAll(&reader, req, split) == RequestReader::State::kComplete);
    CHECK(reader.body().memory() == "hello");
    CHECK(reader.head() == "POST /webhook/x HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n");
  }
}

TEST_CASE("http: chunked bodies are decoded, extensions and trailers ignored", "[http]") {
  for (bool split : {false, true}) {
    RequestReader reader(kSmall);
    std::string req =
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
        "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: y\r\n\r\n";
    REQUIRE(FeedAll(&reader, req, split) == RequestReader::State::kComplete);
    CHECK(reader.body().memory() == "hello world");
  }
}

TEST_CASE("http: gzip bodies are decoded within the body limit", "[http]") {
  std::string json = "{\"id_webhook_data\": 1}";
  std::string gz = Gzip(json);
  RequestReader reader(kSmall);
  std::string req = "POST / HTTP/1.1\r\nContent-Encoding: gzip\r\nContent-Length: " +
                    std::to_string(gz.size()) + "\r\n\r\n" + gz;
  REQUIRE(FeedAll(&reader, req, false) == RequestReader::State::kComplete);
  CHECK(reader.body().memory() == json);
  CHECK(reader.head().find("Content-Encoding") == std::string::npos);
}

TEST_CASE("http: rejections carry the right status", "[http]") {
  std::string bomb = Gzip(std::string(100000, 'a'));  // small on the wire, 100 KB decoded
  struct Case {
    std::string request;
    int status;
  } cases[] = {
      {"POST / HTTP/1.1\r\nContent-Length: 1001\r\n\r\n", 413},
      {"POST / HTTP/1.1\r\nContent-Length: 12x\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501},
      {"POST / HTTP/1.1\r\nContent-Encoding: br\r\nContent-Length: 1\r\n\r\nx", 415},
      {"POST / HTTP/1.1\r\nno colon here\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nX: " + std::string(300, 'a') + "\r\n\r\n", 431},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3E9\r\n" + std::string(1001, 'a'), 413},
      {"POST / HTTP/1.1\r\nContent-Encoding: gzip\r\nContent-Length: 3\r\n\r\nabc", 400},
      {"POST / HTTP/1.1\r\nContent-Encoding: gzip\r\nContent-Length: " + std::to_string(bomb.size()) +
           "\r\n\r\n" + bomb, 413},
  };
  for (const Case& c : cases) {
    INFO(c.request.substr(0, 80));
    RequestReader reader(kSmall);
    CHECK(FeedAll(&reader, c.request, false) == RequestReader::State::kRejected);
    CHECK(reader.reject_status() == c.status);
    CHECK_FALSE(reader.reject_reason().empty());
  }
}

TEST_CASE("http: headers never finishing are cut at the header limit", "[http]") {
  RequestReader reader(kSmall);
  std::string endless(400, 'a');
  CHECK(FeedAll(&reader, "GET / HTTP/1.1\r\nX: " + endless, true) == RequestReader::State::kRejected);
  CHECK(reader.reject_status() == 431);
}

// Found by fuzz_http_request: a head of exactly max_header_bytes was served when it came in one
// read and refused (431) when a read ended inside its blank line.
TEST_CASE("http: the header limit holds the same in every split", "[http]") {
  const std::string start = "GET / HTTP/1.1\r\nX: ";
  for (size_t extra : {size_t{0}, size_t{1}}) {
    // The head without its blank line is kSmall.max_header_bytes (+ extra) bytes.
    std::string head = start + std::string(kSmall.max_header_bytes + extra - start.size(), 'a');
    std::string req = head + "\r\n\r\n";
    const RequestReader::State expected =
        extra == 0 ? RequestReader::State::kComplete : RequestReader::State::kRejected;
    for (size_t cut = 1; cut < req.size(); ++cut) {
      INFO("extra " << extra << ", split at " << cut);
      RequestReader reader(kSmall);
      reader.Feed(req.data(), cut);
      CHECK(reader.Feed(req.data() + cut, req.size() - cut) == expected);
      if (extra == 1) CHECK(reader.reject_status() == 431);
    }
  }
}

TEST_CASE("http: Expect 100-continue is asked for once, after the headers", "[http]") {
  RequestReader reader(kSmall);
  std::string head = "POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n";
  reader.Feed(head.data(), head.size());
  CHECK(reader.state() == RequestReader::State::kBody);
  CHECK(reader.TakeContinueRequest());
  CHECK_FALSE(reader.TakeContinueRequest());
  CHECK(reader.Feed("ok", 2) == RequestReader::State::kComplete);
  CHECK(reader.head().find("Expect") == std::string::npos);
}

std::string Route(HttpRouter& router, const std::string& head, const std::string& body = "") {
  return router.Handle(head, body, "127.0.0.1", 5555);
}

TEST_CASE("http: the router answers 200, 404, 405 and 400 with JSON errors", "[http]") {
  HttpRouter router;
  std::string seen_body;
  router.Post(R"(/webhook/([a-z_]+)/?)", [&](const HttpRequest& req, std::string_view body,
                                               HttpResponse& res) {
    seen_body = std::string(body) + ":" + req.matches[1];
    res.SetContent("{}", "application/json");
  });
  router.Get("/healthz", [](const HttpRequest&, std::string_view, HttpResponse& res) {
    res.SetContent("{\"status\":\"ok\"}", "application/json");
  });
  std::string ok = Route(router, "POST /webhook/connection_synced/ HTTP/1.1\r\nContent-Length: 0\r\n\r\n", "B");
  CHECK(ok.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(ok.find("Connection: close") != std::string::npos);
  CHECK(seen_body == "B:connection_synced");
  std::string no_slash = Route(router, "POST /webhook/x HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
  CHECK(no_slash.rfind("HTTP/1.1 200", 0) == 0);
  std::string missing = Route(router, "GET /nope HTTP/1.1\r\n\r\n");
  CHECK(missing.rfind("HTTP/1.1 404 Not Found\r\n", 0) == 0);
  CHECK(missing.find("{\"error\":\"Not Found\"}") != std::string::npos);
  std::string wrong_method = Route(router, "GET /webhook/x/ HTTP/1.1\r\n\r\n");
  CHECK(wrong_method.rfind("HTTP/1.1 405", 0) == 0);
  CHECK(wrong_method.find("Allow: POST") != std::string::npos);
  CHECK(Route(router, "POST /healthz HTTP/1.1\r\nContent-Length: 0\r\n\r\n").rfind("HTTP/1.1 405", 0) == 0);
  CHECK(Route(router, "garbage\r\n\r\n").rfind("HTTP/1.1 400", 0) == 0);
}

TEST_CASE("http: ErrorResponse is a complete response with an escaped JSON body", "[http]") {
  std::string r = ErrorResponse(413, "too \"big\"");
  CHECK(r.rfind("HTTP/1.1 413 Payload Too Large\r\n", 0) == 0);
  CHECK(r.find("\r\n\r\n{\"error\":\"too \\\"big\\\"\"}") != std::string::npos);
}

}  // namespace
}  // namespace freenahi

namespace freenahi {

TEST_CASE("http: a head check refuses before any body byte is kept or inflated", "[http]") {
  std::string gz = "\x1f\x8b" + std::string(200, 'x');  // never inflated: not even looked at
  for (bool split : {false, true}) {
    int calls = 0;
    std::string seen_head;
    RequestReader reader(HttpLimits{1024, 1000}, [&](const std::string& head) {
      ++calls;
      seen_head = head;
      HeadVerdict verdict;
      verdict.action = HeadVerdict::Action::kReject;
      verdict.status = 401;
      verdict.reason = "unauthenticated";
      verdict.log_detail = "no token";
      return verdict;
    });
    std::string req = "POST /w HTTP/1.1\r\nContent-Encoding: gzip\r\nExpect: 100-continue\r\n"
                      "Content-Length: " + std::to_string(gz.size()) + "\r\n\r\n" + gz;
    CHECK(FeedAll(&reader, req, split) == RequestReader::State::kRejected);
    CHECK(calls == 1);
    CHECK(seen_head == "POST /w HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
    CHECK(reader.reject_status() == 401);
    CHECK(reader.reject_detail() == "no token");
    CHECK_FALSE(reader.TakeContinueRequest());  // no "100 Continue" for a refused request
    CHECK(reader.body().memory().empty());
  }
}

TEST_CASE("http: a head check may skip the body; bodiless requests are not checked", "[http]") {
  int calls = 0;
  HeadCheck skip = [&](const std::string&) {
    ++calls;
    HeadVerdict verdict;
    verdict.action = HeadVerdict::Action::kSkipBody;
    return verdict;
  };
  RequestReader with_body(kSmall, skip);
  CHECK(with_body.Feed("POST /x HTTP/1.1\r\nContent-Length: 900\r\n\r\nabc", 45) ==
        RequestReader::State::kComplete);
  CHECK(with_body.body_skipped());
  CHECK(with_body.body().memory().empty());
  RequestReader bodiless(kSmall, skip);
  CHECK(bodiless.Feed("GET /x HTTP/1.1\r\n\r\n", 19) == RequestReader::State::kComplete);
  CHECK_FALSE(bodiless.body_skipped());
  CHECK(calls == 1);
}

TEST_CASE("http: RequestHeadView finds the method, path and headers", "[http]") {
  RequestHeadView view("POST /webhook/a/?x=1 HTTP/1.1\r\nHost: h\r\nAUTHORIZATION:  Bearer t \r\n"
                       "Authorization: Bearer second\r\nContent-Length: 0\r\n\r\n");
  CHECK(view.method() == "POST");
  CHECK(view.path() == "/webhook/a/");
  CHECK(view.Header("authorization") == "Bearer t");
  CHECK(view.Header("Host") == "h");
  CHECK(view.Header("Missing").empty());
  CHECK(RequestHeadView("garbage").method().empty());
}

TEST_CASE("http: body bytes on the wire are counted for the rate check", "[http]") {
  RequestReader reader(kSmall);
  std::string head = "POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\n";
  reader.Feed(head.data(), head.size());
  CHECK(reader.body_bytes_received() == 0);
  reader.Feed("abcd", 4);
  CHECK(reader.body_bytes_received() == 4);
}

}  // namespace freenahi

namespace freenahi {

// Issue 8: lenient framing found by trying it.
TEST_CASE("http: a header name with a space before the colon is refused", "[http]") {
  for (const char* req : {"POST / HTTP/1.1\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n",
                          "POST / HTTP/1.1\r\nContent-Length\t: 3\r\n\r\nabc",
                          "POST / HTTP/1.1\r\n Host: x\r\nContent-Length: 0\r\n\r\n"}) {
    INFO(req);
    RequestReader reader(kSmall);
    CHECK(reader.Feed(req, std::strlen(req)) == RequestReader::State::kRejected);
    CHECK(reader.reject_status() == 400);
  }
}

TEST_CASE("http: bytes after the end of a gzip stream are refused", "[http]") {
  std::string gz = Gzip("{\"id_webhook_data\": 1}");
  for (const std::string& tail : {std::string("x"), Gzip("{}")}) {
    for (bool split : {false, true}) {
      std::string body = gz + tail;
      std::string req = "POST / HTTP/1.1\r\nContent-Encoding: gzip\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\n\r\n" + body;
      RequestReader reader(kSmall);
      CHECK(FeedAll(&reader, req, split) == RequestReader::State::kRejected);
      CHECK(reader.reject_status() == 400);
      CHECK(reader.reject_reason() == "bytes after the end of the gzip stream");
    }
  }
}

TEST_CASE("http: a header line over 8 KiB is served up to max_header_bytes", "[http]") {
  const HttpLimits limits{16384, 1000};
  std::string long_value(10000, 'v');
  std::string req = "GET /healthz HTTP/1.1\r\nX-Long: " + long_value + "\r\n\r\n";
  RequestReader reader(limits);
  REQUIRE(reader.Feed(req.data(), req.size()) == RequestReader::State::kComplete);
  HttpRouter router;
  std::string seen;
  router.Get("/healthz", [&](const HttpRequest& r, std::string_view, HttpResponse& res) {
    seen = r.Header("X-Long");
    res.SetContent("{}", "application/json");
  });
  CHECK(router.Handle(reader.head(), "", "127.0.0.1", 1).rfind("HTTP/1.1 200", 0) == 0);
  CHECK(seen == long_value);
  // Past max_header_bytes: 431 from the reader (which the listener logs).
  std::string huge = "GET /healthz HTTP/1.1\r\nX-Long: " + std::string(20000, 'v') + "\r\n\r\n";
  RequestReader over(limits);
  CHECK(over.Feed(huge.data(), huge.size()) == RequestReader::State::kRejected);
  CHECK(over.reject_status() == 431);
  // A request line past httplib's 8 KiB: 414 from the reader, not an unlogged one from httplib.
  std::string long_line = "GET /" + std::string(9000, 'p') + " HTTP/1.1\r\n\r\n";
  RequestReader uri(limits);
  CHECK(uri.Feed(long_line.data(), long_line.size()) == RequestReader::State::kRejected);
  CHECK(uri.reject_status() == 414);
}

}  // namespace freenahi

namespace freenahi {

// Keep-alive (issue 10): which requests let the connection stay open, what the answer says,
// and pipelined bytes carried over to the next request.
TEST_CASE("http: ClientWantsKeepAlive follows the version and the Connection tokens", "[http]") {
  CHECK(ClientWantsKeepAlive("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
  CHECK(ClientWantsKeepAlive("GET / HTTP/1.1\r\nConnection: Keep-Alive\r\n\r\n"));
  CHECK_FALSE(ClientWantsKeepAlive("GET / HTTP/1.1\r\nConnection: close\r\n\r\n"));
  CHECK_FALSE(ClientWantsKeepAlive("GET / HTTP/1.1\r\nconnection: TE, Close\r\n\r\n"));
  CHECK_FALSE(ClientWantsKeepAlive("GET / HTTP/1.0\r\nHost: a\r\n\r\n"));
  CHECK(ClientWantsKeepAlive("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  CHECK(ClientWantsKeepAlive("GET / HTTP/1.0\r\nConnection: foo,  KEEP-ALIVE \r\n\r\n"));
  CHECK_FALSE(ClientWantsKeepAlive("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n"));
  CHECK_FALSE(ClientWantsKeepAlive("GET / HTTP/2.0\r\n\r\n"));
  CHECK_FALSE(ClientWantsKeepAlive("GET /\r\n\r\n"));
  CHECK_FALSE(ClientWantsKeepAlive("garbage"));
}

TEST_CASE("http: pipelined requests are read one after the other, in any split", "[http]") {
  const std::string first = "POST /a HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello";
  const std::string second = "POST /b HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
  const std::string third = "GET /healthz HTTP/1.1\r\n\r\n";
  const std::string all = third + first + second + third;
  for (size_t piece : {all.size(), size_t{1}, size_t{7}, third.size() + first.size() + 3}) {
    INFO("piece " << piece);
    RequestReader reader(kSmall);
    std::vector<std::string> seen;
    size_t at = 0;
    auto take_complete = [&] {
      while (reader.state() == RequestReader::State::kComplete) {
        seen.push_back(reader.head().substr(0, reader.head().find("\r\n")) + "|" +
                       std::string(reader.body().memory()));
        reader.StartNext();
      }
    };
    while (at < all.size()) {
      size_t n = std::min(piece, all.size() - at);
      reader.Feed(all.data() + at, n);
      at += n;
      take_complete();
    }
    REQUIRE(seen.size() == 4);
    CHECK(seen[0] == "GET /healthz HTTP/1.1|");
    CHECK(seen[1] == "POST /a HTTP/1.1|hello");
    CHECK(seen[2] == "POST /b HTTP/1.1|abc");
    CHECK(seen[3] == "GET /healthz HTTP/1.1|");
    CHECK(reader.state() == RequestReader::State::kHeaders);
    CHECK(reader.extra_bytes() == 0);
    CHECK(reader.body_bytes_received() == 0);
  }
}

TEST_CASE("http: bytes after a refused request or a skipped body are not a next request", "[http]") {
  RequestReader refused(kSmall);
  std::string bad = "POST / HTTP/1.1\r\nContent-Length: x\r\n\r\nGET / HTTP/1.1\r\n\r\n";
  CHECK(refused.Feed(bad.data(), bad.size()) == RequestReader::State::kRejected);
  CHECK(refused.extra_bytes() == 0);
  HeadCheck skip = [](const std::string&) {
    HeadVerdict verdict;
    verdict.action = HeadVerdict::Action::kSkipBody;
    return verdict;
  };
  RequestReader skipped(kSmall, skip);
  std::string req = "POST /x HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET / HTTP/1.1\r\n\r\n";
  CHECK(skipped.Feed(req.data(), req.size()) == RequestReader::State::kComplete);
  CHECK(skipped.extra_bytes() == 0);
}

TEST_CASE("http: the router keeps the connection open only for a success it was offered", "[http]") {
  HttpRouter router;
  router.Get("/healthz", [](const HttpRequest&, std::string_view, HttpResponse& res) {
    res.SetContent("{}", "application/json");
  });
  router.Get("/boom", [](const HttpRequest&, std::string_view, HttpResponse& res) {
    res.status = 503;
  });
  auto handle = [&](const std::string& head, KeepAlive* keep_alive) {
    RequestBody body;
    return router.Handle(head, body, "127.0.0.1", 1, keep_alive);
  };
  KeepAlive offered;
  offered.offered = true;
  offered.timeout_s = 3;
  offered.remaining = 41;
  std::string kept = handle("GET /healthz HTTP/1.1\r\nContent-Length: 0\r\n\r\n", &offered);
  CHECK(offered.kept);
  CHECK(kept.rfind("HTTP/1.1 200", 0) == 0);
  CHECK(kept.find("Keep-Alive: timeout=3, max=41\r\n") != std::string::npos);
  CHECK(kept.find("Connection:") == std::string::npos);
  CHECK(kept.find("Keep-Alive", kept.find("Keep-Alive") + 1) == std::string::npos);  // once

  std::string http10 = handle("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", &offered);
  CHECK(offered.kept);
  CHECK(http10.find("Connection: keep-alive\r\n") != std::string::npos);

  for (const char* head : {"GET /healthz HTTP/1.1\r\nConnection: Close\r\n\r\n",
                           "GET /healthz HTTP/1.0\r\n\r\n", "GET /nope HTTP/1.1\r\n\r\n",
                           "GET /boom HTTP/1.1\r\n\r\n", "garbage\r\n\r\n"}) {
    INFO(head);
    std::string closed = handle(head, &offered);
    CHECK_FALSE(offered.kept);
    CHECK(closed.find("Connection: close\r\n") != std::string::npos);
    CHECK(closed.find("Keep-Alive") == std::string::npos);
  }
  KeepAlive not_offered;
  std::string last = handle("GET /healthz HTTP/1.1\r\n\r\n", &not_offered);
  CHECK_FALSE(not_offered.kept);
  CHECK(last.find("Connection: close\r\n") != std::string::npos);
  CHECK(last.find("Keep-Alive") == std::string::npos);
}

}  // namespace freenahi
