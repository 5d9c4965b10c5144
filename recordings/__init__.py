"""Where recordings live and how they travel; knows nothing of calls or campaigns.

- ``store``: the :class:`RecordingStore` interface and its key rules; ``local_store``,
  ``s3_store``, ``memory_store``: the backends; ``config``: choose one from settings.
- ``intake`` and ``filing``: check a finished file (duration, size, SHA-256) and file it.
- ``transcode`` and ``transcode_pool``: WAV to MP3/Opus with pydub and ffmpeg, off the loop.
- ``zip_stream`` and ``manifest``: a selection as a streamed ZIP with a manifest CSV.
- ``naming``: keys by client, UTC day and call; ``ranges``: HTTP Range parsing for seeking
  playback; ``links``: expiring client-scoped links.
- ``retention``: what to delete under each contract's period, and the record of deleting it.
"""
