import aiohttp
import httpx


def with_httpx(url):
    httpx.get(url)  # ok: SAF-002
    httpx.post(url, json={}, timeout=10.0)  # ok: SAF-002
    httpx.get(url, timeout=None)  # expect: SAF-002
    httpx.request("GET", url, timeout=None)  # expect: SAF-002
    with httpx.Client() as client:
        client.get(url)  # ok: SAF-002
    with httpx.Client(timeout=None) as unbounded:  # expect: SAF-002
        unbounded.get(url)  # ok: SAF-002
    bounded = httpx.Client(timeout=httpx.Timeout(10.0, connect=5.0))
    bounded.get(url)  # ok: SAF-002
    disabled = httpx.Client(timeout=httpx.Timeout(None))  # expect: SAF-002
    disabled.get(url)  # ok: SAF-002


async def with_async_httpx(url):
    async with httpx.AsyncClient() as client:
        await client.get(url)  # ok: SAF-002
    async with httpx.AsyncClient(timeout=None) as client2:  # expect: SAF-002
        await client2.post(url)  # ok: SAF-002


async def with_aiohttp(url):
    async with aiohttp.ClientSession() as session:
        async with session.get(url) as r:  # ok: SAF-002
            await r.text()
    timeout = aiohttp.ClientTimeout(total=10)
    async with aiohttp.ClientSession(timeout=timeout) as bounded:
        await bounded.get(url)  # ok: SAF-002
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=None)) as unbounded:  # expect: SAF-002
        await unbounded.get(url)  # ok: SAF-002
    async with aiohttp.ClientSession() as per_call:
        await per_call.get(url, timeout=aiohttp.ClientTimeout(total=None))  # expect: SAF-002


def built_only():
    httpx.Client(timeout=None)  # expect: SAF-002
    httpx.AsyncClient(timeout=None)  # expect: SAF-002
    httpx.Client()  # ok: SAF-002
    httpx.Client(timeout=5)  # ok: SAF-002


async def read_bounds(url):
    streaming = httpx.Client(timeout=httpx.Timeout(None, connect=2.0))  # expect: SAF-002
    streaming.get(url)  # ok: SAF-002
    httpx.get(url, timeout=httpx.Timeout(10.0, read=None))  # expect: SAF-002
    httpx.get(url, timeout=httpx.Timeout(5.0, connect=2.0))  # ok: SAF-002
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(connect=5)) as connect_only:  # expect: SAF-002
        await connect_only.get(url)  # ok: SAF-002
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(sock_read=30)) as read_only:
        await read_only.get(url)  # ok: SAF-002
