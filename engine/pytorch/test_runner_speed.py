"""runner.py's speed_options picks the run's speed settings from the device string and the
config's `speed` (engine/pytorch/speed.ts), without needing a GPU:

    /usr/bin/python3 -m unittest engine/pytorch/test_runner_speed.py

(run by speed.integration.test.ts).
"""
import os
import sys
import unittest

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from runner import speed_options  # noqa: E402

GPU_FP16 = {'amp': 'float16', 'gradScaler': True, 'channelsLast': True, 'cudnnBenchmark': True,
            'pinMemory': True, 'threads': None}
GPU_BF16 = dict(GPU_FP16, amp='bfloat16', gradScaler=False)
CPU = {'amp': None, 'gradScaler': False, 'channelsLast': False, 'cudnnBenchmark': False,
       'pinMemory': False, 'threads': 2}


class SpeedOptions(unittest.TestCase):
    def test_cuda_bf16(self):
        self.assertEqual(speed_options('cuda', GPU_BF16, bf16_supported=True), {
            'amp': torch.bfloat16, 'grad_scaler': False, 'channels_last': True,
            'cudnn_benchmark': True, 'pin_memory': True, 'threads': None})

    def test_cuda_fp16_scales_the_loss(self):
        options = speed_options('cuda', GPU_FP16, bf16_supported=False)
        self.assertIs(options['amp'], torch.float16)
        self.assertTrue(options['grad_scaler'])

    def test_bf16_on_a_gpu_without_it_falls_back_to_fp16_with_scaling(self):
        # a node of a multi-machine run whose GPU is older than the one the config was written for
        options = speed_options('cuda', GPU_BF16, bf16_supported=False)
        self.assertIs(options['amp'], torch.float16)
        self.assertTrue(options['grad_scaler'])

    def test_cpu_threads_and_no_gpu_settings(self):
        self.assertEqual(speed_options('cpu', CPU), {
            'amp': None, 'grad_scaler': False, 'channels_last': False, 'cudnn_benchmark': False,
            'pin_memory': False, 'threads': 2})

    def test_gpu_settings_never_apply_off_the_gpu(self):
        options = speed_options('cpu', dict(GPU_FP16, threads=4))
        self.assertEqual((options['amp'], options['grad_scaler'], options['channels_last'],
                          options['cudnn_benchmark'], options['pin_memory'], options['threads']),
                         (None, False, False, False, False, 4))
        self.assertIsNone(speed_options('mps', GPU_BF16)['amp'])

    def test_cpu_autocast_takes_bf16(self):
        options = speed_options('cpu', dict(CPU, amp='bfloat16'))
        self.assertIs(options['amp'], torch.bfloat16)
        self.assertFalse(options['grad_scaler'])

    def test_a_config_without_speed_keeps_float32(self):
        self.assertEqual(speed_options('cpu', {})['amp'], None)
        self.assertEqual(speed_options('cuda', {}, bf16_supported=True)['amp'], None)


if __name__ == '__main__':
    unittest.main()
