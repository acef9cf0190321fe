"""The dashboard's WSGI entry point (example source; launchgate reads manifests, not code)."""
import dash

app = dash.Dash(__name__)
server = app.server
