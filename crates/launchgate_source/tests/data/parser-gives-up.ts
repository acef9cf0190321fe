http.ListenAndServe(Nonehttp.ListenAndServe(net/httphttp.ListenAndServe(server.headersTimeout =  as s:session&':==func f() {
new RestTemplate(new RestTemplate(async with =**timeout=net/httpsession(&timeout=`session}http.Client{new RestTemplate(timeout:.".srv.ReadHeaderTimeout = server.headersTimeout = def f():
    Timeout:&requests.get(Timeout:é**timeout:é**{'NoneHttpRequest.newBuilder(),.

.axios.create(func f() {
.build()x..".build()def f():
    server.headersTimeout = 