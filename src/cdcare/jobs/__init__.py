"""Analysis jobs: a local process-pool executor (``cdcare.jobs.local``) and video-folder runs
(``cdcare.jobs.video_folder``)."""
