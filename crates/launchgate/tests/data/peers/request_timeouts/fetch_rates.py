import requests

r = requests.get("https://rates.example/today")  # expect: SAF-002
print(r.status_code)
