import pprint


def dump(settings):
    pprint.pprint({"token": settings.api_token})  # expect: OBS-014
    pprint.pprint(settings.client_secret, width=120)  # expect: OBS-014
    pprint.pprint({"region": settings.region})  # ok: OBS-014
