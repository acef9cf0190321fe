import pprint


def dump(settings):
    pprint.pprint({"token": settings.api_token})  # expect: OBS-014
    pprint.pp(settings.client_secret)  # expect: OBS-014
    pprint.pprint({"region": settings.region})  # ok: OBS-014
